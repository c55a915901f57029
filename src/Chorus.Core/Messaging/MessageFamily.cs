using System.Globalization;

namespace Chorus.Core.Messaging;

/// <summary>
/// Which protocol a peer message belongs to. The transport only carries the tag; the node shell
/// hands the bytes to the one who speaks that family (its own services, or the replication
/// core), and refuses a family it does not know with a logged error.
/// </summary>
public readonly record struct MessageFamily(byte Value)
{
    /// <summary>The node shell's own messages: forwarded writes and snapshot transfer.</summary>
    public static readonly MessageFamily Node = new(0);

    /// <summary>Single-leader replication (elections, the log stream).</summary>
    public static readonly MessageFamily SingleLeader = new(1);

    /// <summary>Reserved for multi-leader replication.</summary>
    public static readonly MessageFamily MultiLeader = new(2);

    /// <summary>Reserved for leaderless (Dynamo-style) replication.</summary>
    public static readonly MessageFamily Leaderless = new(3);

    /// <summary>
    /// Pub/sub messages a node passes to its peers (a PUBLISH reaches subscribers on every node).
    /// Not replication: the server's pub/sub relay takes them before the node loop, and no core sees them.
    /// </summary>
    public static readonly MessageFamily PubSub = new(4);

    public override string ToString() => Value switch
    {
        0 => "node",
        1 => "single-leader",
        2 => "multi-leader",
        3 => "leaderless",
        4 => "pub/sub",
        _ => "family " + Value.ToString(CultureInfo.InvariantCulture),
    };
}
