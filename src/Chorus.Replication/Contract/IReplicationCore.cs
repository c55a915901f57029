using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Core.Messaging;
using Chorus.Core.Sites;
using Chorus.Replication.Log;

namespace Chorus.Replication;

/// <summary>
/// A replication family's deterministic core, as the node shell drives it (after etcd raft's
/// Node): the shell feeds it inputs — peer messages, the time, proposals, the completions of the
/// storage work it asked for — and carries out the <see cref="Ready"/> it returns, effect by
/// effect, in a fixed order. A core reads no clock, starts no thread, does no IO; it encodes and
/// decodes its own family's messages. Single-threaded: the node's loop is its only caller.
/// </summary>
public interface IReplicationCore
{
    NodeId Self { get; }

    /// <summary>The message family this core speaks (the shell routes envelopes tagged with it here).</summary>
    MessageFamily Family { get; }

    /// <summary>
    /// Whether this core takes messages of <paramref name="family"/>. A composite core speaks more
    /// than one (multi-leader: single-leader inside a site, multi-leader between sites).
    /// </summary>
    bool Speaks(MessageFamily family) => family == Family;

    /// <summary>
    /// For a family whose writes carry versions (multi-leader): the stamp the data layer versions
    /// the next local write with — the site, a fresh HLC timestamp, the shared settings. Null (the
    /// default): payloads are opaque and proposed as the command layer made them.
    /// </summary>
    WriteStamp? StampWrite(long nowMs) => null;

    /// <summary>Whether <see cref="StampWrite"/> versions writes (the shell then versions and merges keys through the data layer).</summary>
    bool VersionsWrites => false;

    /// <summary>
    /// The host resolved an incoming change (<see cref="Ready.Incoming"/>) against its data and
    /// staged the result; <paramref name="local"/> is the data layer's encoding of it, which the
    /// core proposes as this node's entry for the change. Called in the order the changes came.
    /// False: the core no longer takes it (leadership moved on) and the host undoes what it staged.
    /// </summary>
    bool OnResolved(IncomingChange change, ReadOnlySpan<byte> local) => false;

    /// <summary>Begins operating at <paramref name="nowMs"/>.</summary>
    void Start(long nowMs);

    /// <summary>Time has advanced to <paramref name="nowMs"/>: do whatever is due (heartbeats, elections, timeouts). Once per loop round.</summary>
    void Tick(long nowMs);

    /// <summary>A message in this core's family; malformed or unknown-version input is refused with a notice, never thrown.</summary>
    void Step(Envelope message);

    /// <summary>Whether proposals are taken right now (checked before the command layer executes anything).</summary>
    Admission Admission { get; }

    /// <summary>Proposes a payload (only when <see cref="Admission"/> accepts); its entry is in the next Ready.</summary>
    ProposalId Propose(PayloadKind kind, ReadOnlySpan<byte> payload);

    /// <summary>The newest proposal in this node's log: a write that only observed staged state waits for it.</summary>
    ProposalId LastProposed { get; }

    /// <summary>The epoch of the newest entry in this node's log (zero: the family has no epochs). With an LSN it names an entry exactly (log matching).</summary>
    Chorus.Core.Epoch LastProposedEpoch => Chorus.Core.Epoch.Zero;

    bool HasReady { get; }

    Ready TakeReady();

    /// <summary>The host appended and applied every entry up to <paramref name="lsn"/>; <paramref name="synced"/>: also on stable storage.</summary>
    void OnAppended(Lsn lsn, bool synced);

    /// <summary>Everything up to <paramref name="lsn"/> is on stable storage (a background sync).</summary>
    void OnFlushed(Lsn lsn);

    /// <summary>The host truncated the log after <paramref name="keepThrough"/>; <paramref name="config"/> is the latest configuration entry at or before it.</summary>
    void OnTruncated(Lsn keepThrough, ConfigEntry? config);

    /// <summary>Entries read for a <see cref="LogReadRequest"/> (empty: no longer in the log).</summary>
    void OnLogRead(LogReadRequest request, IReadOnlyList<LogEntry> entries);

    /// <summary>The transport (re)connected to <paramref name="peer"/>; earlier messages may be lost.</summary>
    void OnPeerConnected(NodeId peer);

    /// <summary>The host took a snapshot at <paramref name="position"/> for <paramref name="requester"/> to load.</summary>
    void OnSnapshotTaken(NodeId requester, LogPosition position);

    /// <summary>The host measured the log: retire a prefix if <paramref name="options"/> say so, keeping what peers still need.</summary>
    void ConsiderRetention(RetentionOptions options, LogStats stats);

    /// <summary>How many replicas hold the log up to <paramref name="lsn"/> (WAIT).</summary>
    int ReplicasHolding(Lsn lsn);

    /// <summary>
    /// Asks for help with a read (see <see cref="ReadRequest"/>). Returns the outcome when it is
    /// known at once; otherwise null, and the outcome arrives in a later Ready's
    /// <see cref="Ready.ReadCompletions"/>. A family without a read path refuses.
    /// </summary>
    ReadOutcome? RequestRead(ReadRequest request) => new ReadRefused(new ReadsNotSupported(Family.ToString()));

    /// <summary>
    /// The newest position in the local log known to be committed — held by enough replicas that
    /// no failover can take it back — or null when the family does not track it. Reads that must
    /// never show a write a failover could roll back wait until what they saw is at or below it.
    /// </summary>
    LogPosition? Committed => null;

    /// <summary>
    /// The newest position of the local log that change data capture serves (docs/cdc.md), or
    /// null when the family keeps no log to serve. By default <see cref="Committed"/>: what no
    /// failover can take back. A multi-leader site serves its own group's log (the order in which
    /// the site applied its own and other sites' changes); a leaderless replica its own log of
    /// the versions it stored, each as soon as it is stored.
    /// </summary>
    LogPosition? ChangeCaptureThrough => Committed;

    /// <summary>
    /// The latest local time at which this node's state held everything its family had committed
    /// anywhere (a leader: now), or null when unknown. Bounded staleness reads compare it with now.
    /// </summary>
    long? CurrentAsOfMs => null;

    /// <summary>
    /// A read waits for <see cref="CurrentAsOfMs"/> to come closer to now (bounded staleness): prove
    /// this node's freshness soon rather than at its next routine exchange, if the family can (a
    /// single-leader follower asks its leader for a round trip). Cheap to call often: a request
    /// already on its way is shared. The effect shows in <see cref="CurrentAsOfMs"/> later.
    /// </summary>
    void RequestFreshness()
    {
    }

    /// <summary>A picture of the core's state for INFO, ROLE, metrics and connection threads.</summary>
    NodeStatus Describe();

    /// <summary>
    /// Changes whenever something a client may just have been told changes (role, epoch, leader,
    /// admission, acknowledgement state, settings): the shell republishes the status at once
    /// then. Cheap: read after every Ready.
    /// </summary>
    int StatusFingerprint { get; }
}

/// <summary>The latest configuration entry in a log (its LSN and payload), as the shell stores it in the node's metadata.</summary>
public readonly record struct ConfigEntry(Lsn Lsn, ReadOnlyMemory<byte> Payload);

/// <summary>What a core starts from: the node's durable state, as the shell loaded it.</summary>
public sealed record CoreStart(NodeId Self, HardState HardState, EpochHistory History, ConfigEntry? Config, int RandomSeed);

/// <summary>Makes a family's core; the host picks the family, the shell stays family-neutral.</summary>
public interface IReplicationFamily
{
    /// <summary>The family's tag: its cores' <see cref="IReplicationCore.Family"/>, and what a data directory records as its owner.</summary>
    MessageFamily Family { get; }

    IReplicationCore Create(CoreStart start);
}
