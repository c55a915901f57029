using Chorus.Commands.Execution;
using Chorus.Commands.Keyspace;
using Chorus.Commands.Statements;
using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Core.Messaging;
using Chorus.Replication;
using Chorus.Resp;
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
    private readonly IStorageEngine _storage;
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
    private readonly TransactionRunner _transactions;
    private volatile LogFormatSetting _logFormat;
    private readonly SiteData? _sites;
    private long _nextExpiryCycleAtMs;
    private NodeId? _knownLeader;
    private long _nextRetentionAtMs;

    public NodeDriver(NodeDriverOptions options, IStorageEngine storage, CommandTable commands, ITransport transport, IRollbackSink rollbacks, ILogger logger)
    {
        _options = options;
        _storage = storage;
        _logger = logger;
        var keyspace = new StagedKeyspace(storage);
        _requests = new RequestPath(commands);
        _forwarding = new WriteForwarding(options.ForwardLink, options.ForwardTimeoutMs, options.ForwardVisibilityWaitMs);
        _executor = new WriteExecutor(commands, keyspace, new Random(options.RandomSeed)) { Limits = options.WriteLimits };
        var metadata = NodeMetadata.LoadOrCreate(storage, options.Self);
        NodeMetadata.ClaimFor(storage, options.Family.Family);
        _rollbacks = new RollbackExport(storage, rollbacks, logger);
        _log = new LogWriter(storage, keyspace, new StatementReplayer(commands, _executor), _rollbacks, options.Durability, logger, metadata) { Watches = Watches, Notifications = _executor.Notifications, StorageFormatVersion = options.StorageFormatVersion };
        _transactions = new TransactionRunner(_executor, commands, new ReadContext(storage, new Random(options.RandomSeed)), Watches, _log.Log, logger);
        _logFormat = _log.Formats.Current ?? options.LogFormat;
        Core = options.Family.Create(new CoreStart(options.Self, metadata.HardState, metadata.History, metadata.Config, options.RandomSeed));
        Invariant.That(Core.Family == options.Family.Family, "a family makes cores of its own family");
        _homes = new HomeRouting(Core as ISiteRouter, commands, _forwarding);
        Applied.Advance(metadata.Applied.Lsn);
        _status = new StatusPublisher(options.StatusIntervalMs, Core.Describe());
        _reads = new ReadGate(Core, Applied);
        Changes = new ChangeCapture.ChangeFeed(storage, supported: Core.Committed is not null && !Core.VersionsWrites);
        Conflicts = new ConflictLog(options.Conflicts);
        if (Core.VersionsWrites)
        {
            // A family whose writes carry versions (multi-leader): the data layer versions and merges them.
            _sites = new SiteData(keyspace, Conflicts, options.Resolvers) { Versioned = options.Versioned };
            _executor.Context.TrackBeforeImages = true;
        }
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
    public event Action<NodeId>? SnapshotRequested;

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
    public LogFormatSetting LogFormat => _logFormat;

    /// <summary>The storage format version this node's physical log entries are written for and checked against.</summary>
    public uint StorageFormatVersion => _options.StorageFormatVersion;

    /// <summary>
    /// Switches the cluster's log format (CONFIG SET log-format) by proposing a marker entry: every
    /// write after it is written in the new format. False when this node takes no writes now.
    /// </summary>
    public bool ChangeLogFormat(LogFormatSetting setting)
    {
        if (Core.Admission.Kind != AdmissionKind.Accept)
        {
            return false;
        }
        ProposeLogFormat(setting);
        return true;
    }

    private void ProposeLogFormat(LogFormatSetting setting)
    {
        var lsn = Core.Propose(PayloadKind.LogFormat, setting.Encode()).Lsn;
        _log.Formats.Observe(lsn, setting);
        _logFormat = setting;
    }

    /// <summary>The format for a client write; a cluster started in a format other than logical records it first.</summary>
    private LogFormatSetting WriteFormat()
    {
        if (_log.Formats.Current is { } current)
        {
            return current;
        }
        if (_options.LogFormat != LogFormatSetting.Default)
        {
            ProposeLogFormat(_options.LogFormat);
        }
        return _options.LogFormat;
    }

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
        if (_refusal is not null)
        {
            _waits.ExpireDue(Core, nowMs);
            _blocked.ExpireDue(nowMs);
            _reads.ExpireDue(nowMs);
            return;
        }
        Core.Tick(nowMs);
        if (Core.Admission.Kind == AdmissionKind.Accept && nowMs >= _nextExpiryCycleAtMs)
        {
            _nextExpiryCycleAtMs = nowMs + _options.ExpiryCycleIntervalMs;
            ExpiryCycle.ProposeDue(_storage, _executor, Core, nowMs, _options.ExpiryCycleKeysMax);
        }
        _waits.ExpireDue(Core, nowMs);
        _forwarding.ExpireDue(nowMs);
        _forwarding.ReleaseVisible(Applied.Applied, nowMs);
        _blocked.ExpireDue(nowMs);
        _reads.ExpireDue(nowMs);
        _rollbacks.RetryIfDue(nowMs);
        if (nowMs >= _nextRetentionAtMs)
        {
            _nextRetentionAtMs = nowMs + _options.RetentionIntervalMs;
            Core.ConsiderRetention(_options.Retention, _log.Log.Stats(_log.Applied.Lsn));
        }
        _status.PublishIfDue(Core, nowMs);
    }

    /// <summary>The end of a loop round: everything decided is carried out.</summary>
    public void EndRound() => ProcessReady();

    /// <summary>The time of the current round.</summary>
    public long NowMs { get; private set; }

    /// <summary>A peer or control input (everything but client writes).</summary>
    public void Handle(NodeInput input)
    {
        if (_refusal is not null)
        {
            RefuseWhileHalted(input);
            return;
        }
        switch (input)
        {
            case PeerMessageInput peer:
                Receive(peer.Message);
                break;
            case PeerConnectedInput connected:
                Core.OnPeerConnected(connected.Peer);
                break;
            case FlushedInput flushed:
                Core.OnFlushed(flushed.Lsn);
                break;
            case AdminInput admin:
                var result = admin.Action(Core);
                ProcessReady();
                admin.Completion.TrySetResult(result);
                break;
            case WaitReplicasInput wait:
                _waits.Add(Core, wait.Lsn, wait.Count, wait.TimeoutMs == 0 ? -1 : NowMs + wait.TimeoutMs, wait.Completion);
                break;
            case CreateCheckpointInput checkpoint:
                CreateCheckpoint(checkpoint);
                break;
            case SnapshotInput snapshot:
                snapshot.Completion.TrySetResult(TakeSnapshot(snapshot.Copy, snapshot.Requester));
                break;
            case RefreshStatusInput refresh:
                _status.Publish(Core, NowMs);
                refresh.Completion.TrySetResult(null);
                break;
            case GuardedReadInput read:
                _reads.Add(read, NowMs);
                break;
            case ClientWritesInput writes:
                Submit(writes.Batch);
                break;
            case UnblockInput unblock:
                unblock.Completion.TrySetResult(_blocked.Unblock(unblock.Batch, unblock.How)
                    || (unblock.How == UnblockHow.Disconnected && _forwarding.Abandon(unblock.Batch)));
                break;
            case ForwardAnsweredInput answered:
                _forwarding.Answer(answered.Id, answered.Answer, Applied.Applied, NowMs);
                break;
        }
    }

    /// <summary>
    /// Executes a client's write commands into proposals, if the core takes proposals now; the
    /// replies are released when the core completes them. Held during a FAILOVER; refused with
    /// the core's reason otherwise.
    /// </summary>
    public void Submit(ClientWriteBatch batch)
    {
        if (batch.Abandoned)
        {
            batch.Complete(); // a blocking command whose client left before it ran: it pops nothing
            return;
        }
        if (_refusal is not null)
        {
            batch.Fail(HaltedError + _refusal);
            return;
        }
        var admission = Core.Admission;
        if (batch.IsTransaction && !batch.TransactionWrites && admission.Kind != AdmissionKind.Accept && !batch.ReadAtLeader)
        {
            // Reads only: any node runs them, against what it has applied.
            _transactions.Run(batch, NowMs);
            batch.Complete();
            return;
        }
        if (admission.Kind == AdmissionKind.Hold)
        {
            _pause.Hold(batch);
            return;
        }
        if (admission.Kind == AdmissionKind.Refuse)
        {
            if (batch.Forwardable && _forwarding.Enabled && admission.Refusal is NotLeader { Leader: var leader })
            {
                _forwarding.Forward(batch, leader, Watches, NowMs);
                return;
            }
            batch.Fail(admission.Refusal!);
            return;
        }
        if (batch.IsTransaction && TransactionRefusal() is { } refusal)
        {
            batch.Fail(refusal);
            return;
        }
        if (_homes.Routed(batch, NowMs))
        {
            return; // to its keys' home site (multi-leader conflict avoidance)
        }
        if (Core is IRequestCore requestCore)
        {
            _requests.Submit(batch, requestCore);
            return;
        }
        if (batch.IsTransaction)
        {
            // Everything staged before it is stored first: a forwarded watch is checked against
            // the log, and key-range reads (KEYS, SCAN) see storage.
            ProcessReady();
            ProposeAndWake(_transactions.Run(batch, NowMs), batch);
        }
        else
        {
            var reply = new RespWriter(batch.Replies, batch.Protocol);
            for (var i = 0; i < batch.Commands.Count; i++)
            {
                if (_sites is not null)
                {
                    SubmitVersioned(batch, batch.Commands[i], reply);
                    continue;
                }
                // Only a command sent on its own may wait (the connection sends a blocking one alone).
                _executor.Context.BlockingAllowed = batch.Commands.Count == 1;
                var payload = Execute(batch.Commands[i], reply, batch.Db);
                _executor.Context.BlockingAllowed = false;
                if (_executor.Context.Block is { } block)
                {
                    _executor.Context.Block = null;
                    if (block.Retry is { } retry)
                    {
                        batch.Commands.Clear();
                        batch.Commands.Add([.. retry]);
                    }
                    _blocked.Park(batch, block, NowMs);
                    return;
                }
                ProposeAndWake(payload, batch, batch.Commands[i]);
            }
        }
        AwaitAcknowledgement(batch);
    }

    private void AwaitAcknowledgement(ClientWriteBatch batch)
    {
        var waitFor = Core.LastProposed;
        batch.WaitFor = waitFor.Lsn;
        _acks.Add(batch, waitFor);
    }

    /// <summary>
    /// Proposes a write, then serves the clients blocked on a key it changed, oldest first, as
    /// Redis does after each command: each runs its command again (now a plain pop, logged as
    /// its own entry), and what it pushes (BLMOVE) may serve others in turn.
    /// </summary>
    private void ProposeAndWake(byte[]? payload, ClientWriteBatch batch, RespCommand? command = null)
    {
        Propose(payload, batch, command);
        var changes = new Queue<byte[]>();
        if (payload is not null && _blocked.Count > 0)
        {
            changes.Enqueue(payload);
        }
        while (changes.TryDequeue(out var changed) && _blocked.Count > 0)
        {
            var stillWaiting = new List<BlockedPop>();
            foreach (var parked in _blocked.TakeWaiting(changed))
            {
                var served = parked.Batch;
                _executor.Context.BlockingAllowed = true;
                var popped = Execute(served.Commands[0], new RespWriter(served.Replies, served.Protocol), served.Db);
                _executor.Context.BlockingAllowed = false;
                if (_executor.Context.Block is not null)
                {
                    _executor.Context.Block = null;
                    stillWaiting.Add(parked);
                    continue;
                }
                Propose(popped, served, served.Commands[0]);
                AwaitAcknowledgement(served);
                if (popped is not null)
                {
                    changes.Enqueue(popped);
                }
            }
            _blocked.ParkAgain(stillWaiting);
        }
    }

    /// <summary>A write at a multi-leader site: executed as usual, then every key it changed is versioned and the change proposed for the other sites too.</summary>
    private void SubmitVersioned(ClientWriteBatch batch, RespCommand command, RespWriter reply)
    {
        if (SiteData.Refusal(command) is { } refusal)
        {
            reply.WriteError(refusal);
            return;
        }
        var stamp = Core.StampWrite(NowMs)!;
        // The refusal belongs to this command only: expiry and replicated changes that use the
        // same executor afterwards must not be judged by it.
        _executor.Context.SiteRefusal = SiteData.RefusalFor(command, stamp);
        byte[]? payload;
        try
        {
            payload = Execute(command, reply, batch.Db);
        }
        finally
        {
            _executor.Context.SiteRefusal = null;
        }
        var before = _executor.Context.TakeBeforeImages();
        var setAdds = SiteData.SetAdds(command);
        if (setAdds is not null && before.Count == 0 && _executor.Context.GetStored(batch.Db, command[1]) is { } unchanged
            && !Commands.Values.KeyRecord.IsTombstoneRecord(unchanged) && Commands.Values.KeyRecord.ParseImage(unchanged).Type == Commands.Values.DataType.Set)
        {
            // SADD of members already present changed nothing here, but is still an add for the other sites.
            before.Add(new BeforeImage(batch.Db, command[1].ToArray(), unchanged));
        }
        if (before.Count > 0 && _sites!.Version(stamp, before, payload, setAdds) is { } proposal)
        {
            batch.LastWrittenLsn = Core.Propose(PayloadKind.MultiLeader, proposal).Lsn;
        }
    }

    /// <summary>
    /// Why this node's family cannot make a transaction's writes atomic, or null when it can (one
    /// log carries them as one entry). Leaderless: every key is written by its own quorum. A
    /// multi-leader site: other sites merge each key on its own.
    /// </summary>
    private string? TransactionRefusal() =>
        Core is IRequestCore
            ? "ERR MULTI/EXEC is not available in the leaderless family: every key is written by its own quorum, so writes to several keys cannot be made atomic"
            : _sites is not null
                ? "ERR MULTI/EXEC is not available at a multi-leader site: other sites merge each key on its own, so writes to several keys cannot be made atomic"
                : null;

    /// <summary>
    /// Proposes a client write's row changes, in the log format in force when it is one
    /// <paramref name="command"/>. A transaction (no single command) is logged as its row changes
    /// in every format: one entry, applied atomically, with nothing to re-execute.
    /// </summary>
    private void Propose(byte[]? payload, ClientWriteBatch batch, RespCommand? command = null)
    {
        if (_executor.Touched.Count > 0)
        {
            Watches.TouchKeys(_executor.Touched);
            _executor.ClearTouched();
        }
        if (payload is null)
        {
            return;
        }
        // A later EXEC in this round must see the change before it reaches storage.
        Watches.Touch(PayloadKind.Logical, payload, _executor.Keyspace.Exists);
        var format = WriteFormat();
        if (format.Format == Commands.Statements.LogFormat.Physical)
        {
            ProposePhysical(batch);
            return;
        }
        var (kind, entry) = command is { } single ? EntryFormatter.ForClientWrite(format, single, batch.Db, NowMs, payload) : (PayloadKind.Logical, payload);
        batch.LastWrittenLsn = Core.Propose(kind, entry).Lsn;
        if (batch.FirstWrittenLsn == Lsn.Zero)
        {
            batch.FirstWrittenLsn = batch.LastWrittenLsn;
        }
        if (kind == PayloadKind.Statement)
        {
            _log.RememberUndo(batch.LastWrittenLsn, payload);
        }
    }

    /// <summary>
    /// Proposes a client write as a physical entry: the storage writes its staged changes make,
    /// byte for byte. Everything staged before the write was stored already (each physical write
    /// is stored before the next executes), so the capture holds this write's changes only; it
    /// empties the staged keyspace, so the entry is stored at once, before anything reads again.
    /// </summary>
    private void ProposePhysical(ClientWriteBatch batch)
    {
        var lsn = Core.LastProposed.Lsn.Next;
        var entry = Commands.Physical.PhysicalApplier.Capture(_executor.Keyspace, lsn, _options.StorageFormatVersion);
        var proposal = Core.Propose(PayloadKind.Physical, Commands.Physical.PhysicalPayload.Encode(entry));
        Invariant.That(proposal.Lsn == lsn, $"a physical entry captured for LSN {lsn} was proposed at {proposal.Lsn}");
        batch.LastWrittenLsn = proposal.Lsn;
        CarryReady();
    }

    /// <summary>
    /// A message from a peer, for the family that owns it. A family this node does not speak is
    /// refused with a logged error; it never stops the node.
    /// </summary>
    public void Receive(Envelope envelope)
    {
        if (!Core.Speaks(envelope.Family))
        {
            _logger.LogWarning("refused a message from {From}: this node does not speak the {Family} protocol", envelope.From, envelope.Family);
            return;
        }
        Core.Step(envelope);
    }

    /// <summary>Carries out everything the core has decided, until it has nothing more to say; then the shell's services catch up.</summary>
    public void ProcessReady()
    {
        if (_refusal is not null)
        {
            return;
        }
        CarryReady();
        if (_refusal is not null)
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
        Changes.Advance(Core.Committed?.Lsn ?? Lsn.Zero, Applied.Applied);
        _logFormat = _log.Formats.Current ?? _options.LogFormat;
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
    /// Carries out every Ready the core has. A physical stream this node cannot apply stops
    /// replication here, before any of the refused entry is stored (<see cref="ReplicationRefusal"/>).
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
        catch (Commands.Physical.PhysicalStreamRefusedException refused)
        {
            Halt(refused.Message);
        }
    }

    /// <summary>
    /// Why this node stopped replicating (a physical stream it cannot apply), or null. A stopped
    /// node keeps serving reads of what it has applied and shows the reason in INFO, but its core
    /// is never ticked or stepped again, since it believes it holds entries the node refused: it
    /// neither votes, campaigns nor takes writes until it is restarted (or re-bootstrapped).
    /// Readable from any thread.
    /// </summary>
    public string? ReplicationRefusal => _refusal;

    private volatile string? _refusal;

    private void Halt(string reason)
    {
        _refusal = reason;
        _logger.LogCritical("replication stopped: {Reason}", reason);
        _status.Publish(Core, NowMs);
    }

    private const string HaltedError = "ERR replication on this node stopped: ";

    /// <summary>What a stopped node does with an input: answers it at once, never with the core.</summary>
    private void RefuseWhileHalted(NodeInput input)
    {
        switch (input)
        {
            case AdminInput admin:
                admin.Completion.TrySetResult(HaltedError + _refusal);
                break;
            case WaitReplicasInput wait:
                wait.Completion.TrySetResult(0);
                break;
            case CreateCheckpointInput checkpoint:
                checkpoint.Completion.TrySetException(new InvalidOperationException(HaltedError + _refusal));
                break;
            case RefreshStatusInput refresh:
                refresh.Completion.TrySetResult(null);
                break;
            case GuardedReadInput read:
                _reads.Add(read, NowMs);
                break;
            case ClientWritesInput writes:
                writes.Batch.Fail(HaltedError + _refusal);
                break;
            case UnblockInput unblock:
                unblock.Completion.TrySetResult(_blocked.Unblock(unblock.Batch, unblock.How));
                break;
        }
    }

    /// <summary>
    /// Writes a consistent copy of this node's database to <paramref name="directory"/> and returns
    /// the log position it holds. Runs on the loop, after everything staged is stored, so the copy
    /// is exactly the state after that position.
    /// </summary>
    public LogPosition CreateCheckpoint(string directory, string requester) =>
        TakeSnapshot(
            storage => (storage as ICheckpointable ?? throw new InvalidOperationException("this storage engine cannot create checkpoints")).CreateCheckpoint(directory),
            requester);

    /// <summary>
    /// Has <paramref name="copy"/> copy this node's storage (a RocksDB checkpoint in production,
    /// an in-memory copy in the simulator) for the follower <paramref name="requester"/>, and
    /// returns the log position the copy holds; the leader keeps the log after it for that
    /// follower's catch-up. Runs on the loop, after everything staged is stored.
    /// </summary>
    public LogPosition TakeSnapshot(Action<IStorageEngine> copy, string requester)
    {
        // Writes submitted earlier in this loop round are staged, not yet stored: carry them to
        // storage first, or the copy would claim a position whose changes it lacks.
        ProcessReady();
        copy(_storage);
        var position = _log.Applied;
        if (NodeId.TryParse(requester, out var follower))
        {
            Core.OnSnapshotTaken(follower, position);
        }
        return position;
    }

    private void CreateCheckpoint(CreateCheckpointInput checkpoint)
    {
        try
        {
            checkpoint.Completion.TrySetResult(CreateCheckpoint(checkpoint.Directory, checkpoint.Requester));
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            _logger.LogError(e, "could not create a checkpoint in {Directory}", checkpoint.Directory);
            checkpoint.Completion.TrySetException(e);
        }
    }

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

    private byte[]? Execute(RespCommand command, RespWriter reply, int db)
    {
        if ((_log.Formats.Current ?? _options.LogFormat).Format == Commands.Statements.LogFormat.Physical && Core.HasReady)
        {
            // A physical entry captures everything staged: what earlier proposals (the leader's
            // expiry deletions, say) staged must be stored first, or it would travel twice.
            CarryReady();
        }
        try
        {
            return _executor.Execute(command, reply, NowMs, db);
        }
        catch (Exception e) when (e is not InvariantViolationException)
        {
            _logger.LogError(e, "command {Command} failed", command.ToString());
            reply.WriteError($"ERR internal error: {e.Message}");
            return null;
        }
    }
}
