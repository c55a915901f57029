using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Core.Messaging;
using Chorus.Core.Sites;

namespace Chorus.Replication;

/// <summary>
/// Everything a core asks its host to do, as generic effects the node shell carries out in this
/// fixed order (after etcd raft's Ready):
/// <list type="number">
/// <item>persist <see cref="HardState"/> (synced) before anything else;</item>
/// <item>carry out <see cref="LogOperations"/> in order (append entries and apply them in one
/// atomic batch; truncate; retire a prefix), then report back with OnAppended / OnTruncated;</item>
/// <item>store <see cref="LocalWrites"/> (node-local records, one batch);</item>
/// <item>read <see cref="KeyReads"/>, <see cref="RangeReads"/> and <see cref="LocalReads"/> and hand
/// them back (<see cref="IKeyStoreCore"/>);</item>
/// <item>read <see cref="LogReads"/> from storage and hand them back with OnLogRead;</item>
/// <item>resolve <see cref="Incoming"/> changes against the data and hand each back with OnResolved;</item>
/// <item>send <see cref="Messages"/>: nothing leaves before what it announces is stored;</item>
/// <item>complete client proposals with <see cref="Completions"/> (in order, or one by one: <see cref="ProposalCompletion.Of"/>);</item>
/// <item>complete read requests with <see cref="ReadCompletions"/>;</item>
/// <item>act on <see cref="Notices"/> (log lines, membership, leadership ended);</item>
/// <item>fetch a snapshot from each node in <see cref="SnapshotRequests"/>.</item>
/// </list>
/// </summary>
public sealed class Ready
{
    /// <summary>Epoch and vote to persist (synced) before anything else, when they changed.</summary>
    public HardState? HardState { get; set; }

    public List<LogOperation> LogOperations { get; } = [];

    public List<LogReadRequest> LogReads { get; } = [];

    /// <summary>Node-local records to store or delete (one batch, durable as the node's fsync policy says), before any message leaves.</summary>
    public List<LocalWrite> LocalWrites { get; } = [];

    /// <summary>Keys whose stored versions the core needs (<see cref="IKeyStoreCore.OnKeysRead"/>).</summary>
    public List<KeyReadRequest> KeyReads { get; } = [];

    /// <summary>Hash ranges of stored versions the core needs (<see cref="IKeyStoreCore.OnRangeRead"/>).</summary>
    public List<RangeReadRequest> RangeReads { get; } = [];

    /// <summary>Node-local records the core needs (<see cref="IKeyStoreCore.OnLocalRead"/>).</summary>
    public List<LocalReadRequest> LocalReads { get; } = [];
    /// <summary>Changes from elsewhere (another site) for the host to resolve against its data, in order.</summary>
    public List<IncomingChange> Incoming { get; } = [];

    /// <summary>Encoded messages in the core's own family, sent after the log operations are stored.</summary>
    public List<Envelope> Messages { get; } = [];

    /// <summary>Proposals that reached an outcome, in order.</summary>
    public List<ProposalCompletion> Completions { get; } = [];

    /// <summary>Read requests that reached an outcome (after the log operations: a read may serve what they stored).</summary>
    public List<ReadCompletion> ReadCompletions { get; } = [];

    public List<Notice> Notices { get; } = [];

    /// <summary>The nodes to resync from, and how (this node must reload from a snapshot or a Merkle diff).</summary>
    public List<SnapshotRequest> SnapshotRequests { get; } = [];

    public bool IsEmpty =>
        HardState is null && LogOperations.Count == 0 && LogReads.Count == 0 && Incoming.Count == 0 && Messages.Count == 0
        && LocalWrites.Count == 0 && KeyReads.Count == 0 && RangeReads.Count == 0 && LocalReads.Count == 0
        && Completions.Count == 0 && ReadCompletions.Count == 0 && Notices.Count == 0 && SnapshotRequests.Count == 0;
}

/// <summary>Reload this node's state from <paramref name="Source"/> (the leader) by <paramref name="Method"/>.</summary>
public readonly record struct SnapshotRequest(NodeId Source, FollowerResync Method);

/// <summary>A change to the local log, carried out in order.</summary>
public abstract record LogOperation;

/// <summary>
/// Persist and apply these entries (contiguous, after the current end of the log) in one atomic
/// batch. <paramref name="Proposed"/>: this node created them from its own proposals, and the
/// command layer already staged their changes while executing the commands, so the host stores
/// them without applying them a second time. With <see cref="Sync"/>, fsync before reporting back.
/// </summary>
public sealed record AppendOperation(List<LogEntry> Entries, bool Proposed) : LogOperation
{
    public bool Sync { get; set; }
}

/// <summary>Roll back and delete every entry after <paramref name="KeepThrough"/>.</summary>
public sealed record TruncateOperation(Lsn KeepThrough) : LogOperation;

/// <summary>Delete every entry up to <paramref name="Through"/>: the log now starts after it.</summary>
public sealed record RetireOperation(Lsn Through) : LogOperation;

/// <summary>Read entries from <paramref name="From"/> (at most <paramref name="BytesMax"/>) for a peer.</summary>
public sealed record LogReadRequest(NodeId Follower, Lsn From, long BytesMax);

/// <summary>
/// A change made elsewhere, for the host to resolve against its data with the data layer
/// (<paramref name="Stamp"/>: this site, the time, the shared settings) and hand back.
/// </summary>
public sealed record IncomingChange(SiteChange Change, WriteStamp Stamp);

/// <summary>
/// Every proposal up to <paramref name="Through"/> still waiting completes with
/// <paramref name="Outcome"/> — or, when <see cref="OnlyThis"/>, that one proposal alone (a core
/// that answers requests out of order: <see cref="IRequestCore"/>).
/// </summary>
public readonly record struct ProposalCompletion(ProposalId Through, ProposalOutcome Outcome)
{
    /// <summary>Completes exactly <see cref="Through"/>, not the proposals before it.</summary>
    public bool OnlyThis { get; init; }

    /// <summary>Completes exactly <paramref name="proposal"/> (out of order).</summary>
    public static ProposalCompletion Of(ProposalId proposal, ProposalOutcome outcome) => new(proposal, outcome) { OnlyThis = true };
}

/// <summary>Something the host should know about, for its logs and its own services.</summary>
public abstract record Notice;

/// <summary>A protocol event worth a log line (elections, subscriptions).</summary>
public sealed record LogNotice(string Text, bool Warning = false) : Notice;

/// <summary>The members and where peers reach them changed (the host reconnects its transport).</summary>
public sealed record PeersChanged(IReadOnlyDictionary<NodeId, string> PeerAddresses) : Notice;

/// <summary>This node stopped accepting proposals (it stepped down); what waited on its leadership ends.</summary>
public sealed record StoppedLeading(StepDownReason Reason) : Notice;
