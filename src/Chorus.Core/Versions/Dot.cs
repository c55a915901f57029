namespace Chorus.Core.Versions;

/// <summary>
/// One write event: the <paramref name="Counter"/>-th event a replica (<paramref name="Node"/>:
/// a node in a leaderless cluster, a site in a multi-leader one) issued. A dot names exactly one
/// write, so two copies of a value with the same dot are the same write.
/// </summary>
public readonly record struct Dot(NodeId Node, ulong Counter)
{
    public override string ToString() => $"{Node}:{Counter}";
}
