using System.Globalization;
using System.Text;

namespace Chorus.Commands.Notifications;

/// <summary>One keyspace notification: event <paramref name="Name"/> of class <paramref name="Class"/> happened to <paramref name="Key"/> in database <paramref name="Db"/>.</summary>
public readonly record struct KeyspaceEvent(KeyspaceEventClasses Class, string Name, int Db, byte[] Key)
{
    /// <summary><c>__keyspace@&lt;db&gt;__:&lt;key&gt;</c>, whose message is the event name.</summary>
    public byte[] KeyspaceChannel() => Channel("__keyspace@", Key);

    /// <summary><c>__keyevent@&lt;db&gt;__:&lt;event&gt;</c>, whose message is the key.</summary>
    public byte[] KeyeventChannel() => Channel("__keyevent@", Encoding.ASCII.GetBytes(Name));

    private byte[] Channel(string prefix, byte[] suffix)
    {
        var head = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{prefix}{Db}__:"));
        return [.. head, .. suffix];
    }
}
