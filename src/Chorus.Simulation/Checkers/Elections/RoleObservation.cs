namespace Chorus.Simulation.Checkers.Elections;

/// <summary>
/// What one node believed after handling an input: whether it leads, and its (durable) epoch.
/// <paramref name="Incarnation"/> counts the node's lives, so a restart is visible.
/// </summary>
public readonly record struct RoleObservation(long AtUs, string Node, int Incarnation, bool IsLeader, ulong Epoch)
{
    public override string ToString() =>
        $"{Node} {(IsLeader ? "leader" : "not leader")} in epoch {Epoch} at {AtUs / 1000.0:F3} ms (life {Incarnation})";
}
