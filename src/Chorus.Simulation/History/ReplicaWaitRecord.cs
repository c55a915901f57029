namespace Chorus.Simulation.History;

/// <summary>
/// One WAIT numreplicas timeout a client issued after an acknowledged write: what it asked
/// (<paramref name="Lsn"/> is the write's), what the node answered, and the truth at the moment
/// it answered — how many other nodes held that LSN in their log — to judge the answer by.
/// <paramref name="Replicas"/> is -1 when the connection was lost before the answer.
/// </summary>
public sealed record ReplicaWaitRecord(string Client, string Node, ulong Lsn, int Requested, long TimeoutMs, long InvokedUs, long CompletedUs, int Replicas, int HoldersWhenAnswered)
{
    public bool Answered => Replicas >= 0;

    /// <summary>It answered with fewer replicas than asked: it must have waited out its timeout.</summary>
    public bool TimedOut => Answered && Replicas < Requested;
}
