using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Replication.Log;
using Chorus.Replication.Messages;

namespace Chorus.Replication.SingleLeader;

/// <summary>
/// What every single-leader role may read of the core, and the few effects every role causes
/// (after etcd raft, where each role's step function sees the raft struct only through what it
/// needs). Roles never write the core's state: they stage effects here, and the core decides
/// what they do to its Ready. The leader's and the follower's extras are
/// <see cref="ILeaderHost"/> and <see cref="IFollowerHost"/>; elections have <see cref="IElectionHost"/>.
/// </summary>
internal interface IRoleHost
{
    NodeId Self { get; }

    Epoch Epoch { get; }

    long NowMs { get; }

    ReplicationOptions Options { get; }

    /// <summary>This node's RESP endpoint, announced to peers.</summary>
    string ClientEndpoint { get; }

    /// <summary>Where each epoch starts in the local log, and where it ends (read-only to roles: they change it through <see cref="QueueAppend"/>).</summary>
    EpochHistory History { get; }

    /// <summary>The last LSN appended and applied locally.</summary>
    Lsn Appended { get; }

    /// <summary>The last LSN on local stable storage.</summary>
    Lsn Flushed { get; }

    HybridLogicalClock Clock { get; }

    LogPosition PositionOf(Lsn lsn);

    /// <summary>Everything up to <paramref name="lsn"/> is committed.</summary>
    void AdvanceCommitTo(Lsn lsn);

    /// <summary>Entries for the host to append (extending the local log now); <paramref name="proposed"/>: created here.</summary>
    void QueueAppend(IReadOnlyList<LogEntry> entries, bool proposed, bool sync = false);

    void Send(PeerMessage message);

    /// <summary>A line for the node's log.</summary>
    void Notice(string text);

    /// <summary>A linearizable read this node's host asked for is served or refused.</summary>
    void CompleteRead(ReadCompletion completion);
}
