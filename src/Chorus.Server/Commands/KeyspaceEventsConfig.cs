using Chorus.Commands.Notifications;

namespace Chorus.Server.Commands;

/// <summary>CONFIG SET/GET notify-keyspace-events: this node's keyspace notification classes, in Redis's flag letters (docs/pubsub.md).</summary>
internal static class KeyspaceEventsConfig
{
    public const string Name = "notify-keyspace-events";

    /// <summary>"" when <paramref name="value"/> is valid (the change is added to <paramref name="apply"/>), Redis's error when not, null for another parameter.</summary>
    public static string? TrySet(NodeServices node, string name, string value, List<Action> apply)
    {
        if (name != Name)
        {
            return null;
        }
        if (!KeyspaceEventFlags.TryParse(value, out var classes))
        {
            return "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
        }
        apply.Add(() => node.Driver.Notifications.Classes = classes);
        return "";
    }

    public static (string Name, string Value) Describe(NodeServices node) => (Name, KeyspaceEventFlags.Format(node.Driver.Notifications.Classes));
}
