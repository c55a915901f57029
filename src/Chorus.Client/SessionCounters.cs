namespace Chorus.Client;

/// <summary>
/// What a session's (or a client's) reads and writes met. A read "held back" is one a follower
/// could not serve within the guarantee in time — under <c>eventual</c> it would have been a stale
/// read; the client read at the leader instead.
/// </summary>
public sealed class SessionCounters
{
    private long _followerReads;
    private long _leaderReads;
    private long _heldBack;
    private long _writes;
    private long _writesRetried;

    /// <summary>Reads a follower served.</summary>
    public long FollowerReads => Interlocked.Read(ref _followerReads);

    /// <summary>Reads the leader served (by the level's choice, or after a follower held them back).</summary>
    public long LeaderReads => Interlocked.Read(ref _leaderReads);

    /// <summary>Reads a follower held back because it was too stale for the guarantee; each was then read at the leader.</summary>
    public long ReadsHeldBack => Interlocked.Read(ref _heldBack);

    /// <summary>Writes the cluster acknowledged.</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>Write attempts refused without being applied (no leader yet, leader unreachable) and sent again.</summary>
    public long WritesRetried => Interlocked.Read(ref _writesRetried);

    internal void CountRead(bool atLeader) => Interlocked.Increment(ref atLeader ? ref _leaderReads : ref _followerReads);

    internal void CountHeldBack() => Interlocked.Increment(ref _heldBack);

    internal void CountWrite() => Interlocked.Increment(ref _writes);

    internal void CountWriteRetried() => Interlocked.Increment(ref _writesRetried);

    public override string ToString() =>
        $"follower reads {FollowerReads}, leader reads {LeaderReads}, held back {ReadsHeldBack}, writes {Writes}, retried {WritesRetried}";
}
