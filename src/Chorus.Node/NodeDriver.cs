using Chorus.Commands.Execution;
using Chorus.Commands.Keyspace;
using Chorus.Commands.Statements;
using Chorus.Core;
using Chorus.Core.Messaging;
using Chorus.Replication;
using Chorus.Storage;
using Microsoft.Extensions.Logging;

namespace Chorus.Node;

/// <summary>
/// The node shell's façade: one replication core (any family) and the services around it. Each
/// loop round (<see cref="LoopRound"/>) ticks the core once, hands it peer inputs, executes
/// client writes into proposals against the staged keyspace, and carries out the core's Ready
/// (<see cref="ReadyCarrier"/>); the services — acknowledgements, the FAILOVER pause, WAIT,
/// expiry, retention, status — each live in a class of their own.
/// <para>
/// Single-threaded and synchronous: the production loop and the simulator call it the same way,
/// each plugging in its own storage, transport and clock.
/// </para>
/// </summary>
public sealed class NodeDriver
{
    private readonly NodeDriverOptions _options;
    private readonly ILogger _logger;
    private readonly WriteExecutor _executor;
    private readonly LogWriter _log;
    private readonly RollbackExport _rollbacks;
    private readonly ProposalTracker _acks = new();
    private readonly RequestPath _requests;
    private readonly WritePause _pause = new();
    private readonly ReplicaWaits _waits = new();
    private readonly WriteForwarding _forwarding;
    private readonly HomeRouting _homes;
    private readonly BlockedPops _blocked = new();
    private readonly StatusPublisher _status;
    private readonly ReadyCarrier _carrier;
    private readonly ReadGate _reads;
    private readonly ReplicationHalt _halt;
    private readonly SnapshotTaker _snapshots;
    private readonly ExpiryCycle _expiry;
    private readonly RetentionCycle _retention;
    private readonly WritePath _writes;
    private readonly InputDispatch _inputs;
    private readonly WriteProposer _proposer;
    private readonly SiteData? _sites;
    private NodeId? _knownLeader;

    public NodeDriver(NodeDriverOptions options, IStorageEngine storage, CommandTable commands, ITransport transport, IRollbackSink rollbacks, ILogger logger)
    {
        _options = options;
        _logger = logger;
        var keyspace = new StagedKeyspace(storage);
        _requests = new RequestPath(commands);
        _forwarding = new WriteForwarding(options.ForwardLink, options.ForwardTimeoutMs, options.ForwardVisibilityWaitMs);
        _executor = new WriteExecutor(commands, keyspace, new Random(options.RandomSeed)) { Limits = options.WriteLimits };
        var metadata = NodeMetadata.LoadOrCreate(storage, options.Self);
        NodeMetadata.ClaimFor(storage, options.Family.Family);
        _rollbacks = new RollbackExport(storage, rollbacks, logger);
        Statements = new StatementReplayer(commands, _executor) { UnknownStatements = options.UnknownStatements, OnSkipped = reason => logger.LogError("{Reason}", reason) };
        _log = new LogWriter(storage, keyspace, Statements, _rollbacks, options.Durability, logger, metadata) { Watches = Watches, Notifications = _executor.Notifications, StorageFormatVersion = options.StorageFormatVersion };
        var transactions = new TransactionRunner(_executor, commands, new ReadContext(storage, new Random(options.RandomSeed)), Watches, _log.Log, logger);
        Core = options.Family.Create(new CoreStart(options.Self, metadata.HardState, metadata.History, metadata.Config, options.RandomSeed));
        Invariant.That(Core.Family == options.Family.Family, "a family makes cores of its own family");
        _homes = new HomeRouting(Core as ISiteRouter, commands, _forwarding);
        Applied.Advance(metadata.Applied.Lsn);
        _status = new StatusPublisher(options.StatusIntervalMs, Core.Describe());
        _reads = new ReadGate(Core, Applied);
        _halt = new ReplicationHalt(_blocked, logger);
        _snapshots = new SnapshotTaker(storage, Core, _log, ProcessReady, logger);
        _expiry = new ExpiryCycle(storage, _executor, Core, options.ExpiryCycleIntervalMs, options.ExpiryCycleKeysMax);
        _retention = new RetentionCycle(Core, _log, options.Retention, options.RetentionIntervalMs);
        _proposer = new WriteProposer(Core, _log, _executor, Watches, options.LogFormat, options.StorageFormatVersion, CarryReady);
        Changes = new ChangeCapture.ChangeFeed(storage, supported: Core.ChangeCaptureThrough is not null);
        Conflicts = new ConflictLog(options.Conflicts);
        if (Core.VersionsWrites)
        {
            // A family whose writes carry versions (multi-leader): the data layer versions and merges them.
            _sites = new SiteData(keyspace, Conflicts, options.Resolvers) { Versioned = options.Versioned };
            _executor.Context.TrackBeforeImages = true;
        }
        _writes = new WritePath(Core, _executor, _proposer, transactions, _acks, _requests, _pause, _forwarding, _homes, _blocked, Watches, _halt, _sites, ProcessReady, logger);
        _inputs = new InputDispatch(Core, _halt, _writes, _waits, _snapshots, _status, _reads, _blocked, _forwarding, Applied, ProcessReady, logger);
        _carrier = new ReadyCarrier(Core, _log, transport, _acks, _requests, new KeyStore(storage, options.Durability), _waits, Applied, _reads, logger)
        {
            Resolve = _sites is null ? null : incoming => _sites.Resolve(incoming, NowMs),
            Unresolve = _sites is null ? null : _sites.Undo,
            PeersChanged = peers => PeersChanged?.Invoke(peers),
            SnapshotRequested = source => SnapshotRequested?.Invoke(source),
        };
    }

    /// <summary>The replication core; operator actions specific to its family run against it on the loop (<see cref="AdminInput"/>).</summary>
    public IReplicationCore Core { get; }

    /// <summary>Every connection's WATCHed keys; the loop marks them as keys change (thread-safe).</summary>
    public KeyWatches Watches { get; } = new();

    /// <summary>The latest published status; readable from any thread.</summary>
    public NodeStatus Status => _status.Current;

    /// <summary>The last LSN applied locally; readable from any thread, with waiting.</summary>
    public AppliedLsnWaiters Applied { get; } = new();

    /// <summary>Raised on the loop whenever the members or their addresses change (the host reconnects peers).</summary>
    public event Action<IReadOnlyDictionary<NodeId, string>>? PeersChanged;

    /// <summary>Raised on the loop when this node learns of a new leader (itself included), with the status that names it (Leader null: none known).</summary>
    public event Action<NodeStatus>? LeaderChanged;

    /// <summary>Keyspace notifications (notify-keyspace-events): the host sets the classes and where events are published.</summary>
    public Chorus.Commands.Notifications.KeyspaceNotifier Notifications => _executor.Notifications;

    /// <summary>Raised on the loop when this node must reload from a snapshot of the named node.</summary>
    public event Action<SnapshotRequest>? SnapshotRequested;

    /// <summary>Change data capture: committed entries as change events, for consumers on other threads (docs/cdc.md).</summary>
    public ChangeCapture.ChangeFeed Changes { get; }

    /// <summary>Guarded reads served and held back, by reason (readable from any thread).</summary>
    public ReadGateCounters Reads => _reads.Counters;

    /// <summary>Clients blocked in BLPOP and friends on this node (INFO's blocked_clients; a racy read from other threads is fine).</summary>
    public int BlockedClients => _blocked.Count;

    /// <summary>Write commands this follower forwarded to a leader (INFO chorus_forwarded_writes); readable from any thread.</summary>
    public long ForwardedWrites => _forwarding.ForwardedWrites;

    /// <summary>Write commands this site leader routed to their keys' home site (INFO site_routed_writes); readable from any thread.</summary>
    public long RoutedWrites => _forwarding.RoutedWrites;

    /// <summary>Client requests a request-serving core (leaderless) has not answered yet.</summary>
    public int RequestsInFlight => _requests.InFlight;
    /// <summary>Conflicts resolved here between versions from different sites (multi-leader; empty otherwise).</summary>
    public ConflictLog Conflicts { get; }

    /// <summary>Entries retired from the log so far (the replication backlog's front moved).</summary>
    public long RetiredEntries => _log.RetiredEntries;

    /// <summary>Divergent suffixes rolled back into rollback files since the node started.</summary>
    public long Rollbacks => _log.Rollbacks;

    /// <summary>Entries discarded by those rollbacks (each one is in a rollback file, or waiting in the database for it).</summary>
    public long RolledBackEntries => _log.RolledBackEntries;

    /// <summary>Rollbacks whose file could not be written yet; their entries wait in the database and the node retries.</summary>
    public int PendingRollbacks => _rollbacks.Pending;

    /// <summary>How long to wait before retrying a rollback file that could not be written.</summary>
    public const long RollbackRetryMs = RollbackExport.RetryMs;

    /// <summary>How large one write may be; set on the loop (CONFIG SET chorus-max-write-bytes).</summary>
    public WriteLimits WriteLimits
    {
        get => _executor.Limits;
        set => _executor.Limits = value;
    }

    /// <summary>
    /// The log format in force: the newest marker in the log, else the one this node was started
    /// with (which its first write as leader records). Readable from any thread.
    /// </summary>
    public LogFormatSetting LogFormat => _proposer.Current;

    /// <summary>The storage format version this node's physical log entries are written for and checked against.</summary>
    public uint StorageFormatVersion => _options.StorageFormatVersion;

    /// <summary>The resolvers the custom conflict policy may name (multi-leader), by name.</summary>
    public IReadOnlyDictionary<string, Core.Sites.IConflictResolver> Resolvers => _options.Resolvers;

    /// <summary>
    /// Switches the cluster's log format (CONFIG SET log-format) by proposing a marker entry: every
    /// write after it is written in the new format. False when this node takes no writes now.
    /// </summary>
    public bool ChangeLogFormat(LogFormatSetting setting) => _proposer.Change(setting);

    public void Start(long nowMs)
    {
        Core.Start(nowMs);
        Core.Tick(nowMs);
        _rollbacks.Export(nowMs); // any a previous run could not write
        ProcessReady();
        _status.Publish(Core, nowMs);
        _logger.LogInformation("node {Node} started ({Status}); log ends at {Last}", Core.Self, Status.Role, Status.Last);
    }

    /// <summary>The start of a loop round: the core's one tick, and the shell's periodic services.</summary>
    public void BeginRound(long nowMs)
    {
        NowMs = nowMs;
        if (_halt.IsHalted)
        {
            _waits.ExpireDue(Core, nowMs);
            _blocked.ExpireDue(nowMs);
            _reads.ExpireDue(nowMs);
            return;
        }
        Core.Tick(nowMs);
        _expiry.RunIfDue(nowMs);
        _waits.ExpireDue(Core, nowMs);
        _forwarding.ExpireDue(nowMs);
        _forwarding.ReleaseVisible(Applied.Applied, nowMs);
        _blocked.ExpireDue(nowMs);
        _reads.ExpireDue(nowMs);
        _rollbacks.RetryIfDue(nowMs);
        _retention.RunIfDue(nowMs);
        _status.PublishIfDue(Core, nowMs);
    }

    /// <summary>The end of a loop round: everything decided is carried out.</summary>
    public void EndRound() => ProcessReady();

    /// <summary>The time of the current round.</summary>
    public long NowMs { get; private set; }

    /// <summary>A peer or control input (everything but client writes).</summary>
    public void Handle(NodeInput input) => _inputs.Handle(input, NowMs);

    /// <summary>
    /// Executes a client's write commands into proposals, if the core takes proposals now; the
    /// replies are released when the core completes them. Held during a FAILOVER; refused with
    /// the core's reason otherwise (<see cref="WritePath"/>).
    /// </summary>
    public void Submit(ClientWriteBatch batch) => _writes.Submit(batch, NowMs);

    /// <summary>A message from a peer, for the family that owns it (<see cref="InputDispatch.Receive"/>).</summary>
    public void Receive(Envelope envelope) => _inputs.Receive(envelope);

    /// <summary>Carries out everything the core has decided, until it has nothing more to say; then the shell's services catch up.</summary>
    public void ProcessReady()
    {
        if (_halt.IsHalted)
        {
            return;
        }
        CarryReady();
        if (_halt.IsHalted)
        {
            return;
        }
        if (_pause.TryRelease(Core.Admission, Submit))
        {
            ProcessReady();
            return;
        }
        if (_blocked.Count > 0 && Core.Admission.Kind == AdmissionKind.Refuse)
        {
            // Redis unblocks a master's blocked clients when it becomes a replica; a client here
            // would otherwise wait for pushes this node can no longer take.
            _blocked.FailAll(BlockedPops.DemotedError);
        }
        _acks.ReleaseObserved();
        _forwarding.ReleaseVisible(Applied.Applied, NowMs);
        Changes.Advance(Core.ChangeCaptureThrough?.Lsn ?? Lsn.Zero, Applied.Applied);
        _proposer.Refresh();
        _status.PublishIfChanged(Core, NowMs);
        var status = _status.Current;
        if (status.Leader != _knownLeader)
        {
            _knownLeader = status.Leader;
            _forwarding.LeaderChanged(status.Leader, status.Epoch);
            LeaderChanged?.Invoke(status);
        }
    }

    /// <summary>
    /// Carries out every Ready the core has. A stream this node cannot apply (a physical entry for
    /// another storage format, a statement it does not know under unknown-statement stop) stops
    /// replication here, before any of the refused entry is stored (<see cref="ReplicationHalt"/>).
    /// </summary>
    private void CarryReady()
    {
        try
        {
            while (Core.HasReady)
            {
                _carrier.Carry(Core.TakeReady(), NowMs);
            }
        }
        catch (Commands.Execution.StreamRefusedException refused)
        {
            Halt(refused.Message);
        }
    }

    /// <summary>
    /// Why this node stopped replicating (a physical stream it cannot apply; <see cref="ReplicationHalt"/>),
    /// or null. Readable from any thread.
    /// </summary>
    public string? ReplicationRefusal => _halt.Reason;

    /// <summary>Replays statement entries from the leader; counts the ones it skipped (unknown-statement skip).</summary>
    public StatementReplayer Statements { get; }

    private void Halt(string reason)
    {
        _halt.Halt(reason);
        _status.Publish(Core, NowMs);
    }

    /// <summary>
    /// Writes a consistent copy of this node's database to <paramref name="directory"/> and returns
    /// the log position it holds (<see cref="SnapshotTaker"/>). Runs on the loop.
    /// </summary>
    public LogPosition CreateCheckpoint(string directory, string requester) => _snapshots.CreateCheckpoint(directory, requester);

    /// <summary>
    /// Has <paramref name="copy"/> copy this node's storage for the follower <paramref name="requester"/>
    /// and returns the log position the copy holds (<see cref="SnapshotTaker"/>). Runs on the loop.
    /// </summary>
    public LogPosition TakeSnapshot(Action<IStorageEngine> copy, string requester) => _snapshots.Take(copy, requester);

    /// <summary>The loop is stopping: every client still waiting learns that its writes are in doubt.</summary>
    public void FailPending()
    {
        _acks.FailAll(new NodeStopping(MayHaveApplied: true));
        _requests.FailAll(new NodeStopping(MayHaveApplied: true));
        _pause.FailAll(new NodeStopping(MayHaveApplied: false));
        _waits.EndAll(Core, replicas: null);
        _forwarding.FailAll(Applied.Applied);
        _reads.FailAll();
        _blocked.FailAll(OutcomeText.Error(new NodeStopping(MayHaveApplied: false)));
    }
}
