using System.Text;
using Chorus.Commands.Notifications;

namespace Chorus.Server.PubSub;

/// <summary>
/// Publishes keyspace notifications on this node's channels, as Redis's notifyKeyspaceEvent does:
/// with K, <c>__keyspace@&lt;db&gt;__:&lt;key&gt;</c> carrying the event name; with E,
/// <c>__keyevent@&lt;db&gt;__:&lt;event&gt;</c> carrying the key. Called on the node's loop.
/// </summary>
internal static class KeyspacePublisher
{
    public static void Attach(KeyspaceNotifier notifier, PubSubHub hub) =>
        notifier.Publish = e =>
        {
            var classes = notifier.Classes;
            if ((classes & KeyspaceEventClasses.Keyspace) != 0)
            {
                hub.Publish(e.KeyspaceChannel(), Encoding.ASCII.GetBytes(e.Name));
            }
            if ((classes & KeyspaceEventClasses.Keyevent) != 0)
            {
                hub.Publish(e.KeyeventChannel(), e.Key);
            }
        };
}
