using Chorus.Commands.Execution;
using Chorus.Commands.Keyspace;
using Chorus.Commands.Logical;
using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Replication;
using Chorus.Replication.Membership;
using Chorus.Replication.Messages;
using Chorus.Replication.Quorum;
using Chorus.Replication.SingleLeader;
using Chorus.Resp;
using Chorus.Storage;
using Microsoft.Extensions.Logging;

namespace Chorus.Server.Node;

/// <summary>
/// Carries out what the replication core decides: executes client writes into proposals,
/// persists and applies entries in one atomic batch, truncates divergent suffixes into rollback
/// files, reads the log for lagging followers, sends messages, and releases client replies.
/// <para>
/// Single-threaded and synchronous: the production host calls it from one loop; the simulator
/// calls it from its event loop. Both plug in their own storage, transport and clock.
/// </para>
/// </summary>
public sealed class NodeDriver
{
    private readonly NodeDriverOptions _options;
    private readonly IStorageEngine _storage;
    private readonly ITransport _transport;
    private readonly IRollbackSink _rollbacks;
    private readonly ILogger _logger;
    private readonly LogStore _log;
    private readonly StagedKeyspace _keyspace;
    private readonly WriteExecutor _executor;
    private readonly ReplicationCore _core;
    private readonly Queue<ClientWriteBatch> _awaitingAck = new();
    private readonly Queue<ClientWriteBatch> _paused = new();
    private bool _settingsProposed;
    private readonly List<ReplicaWait> _replicaWaits = [];
    private Lsn _stagedFrom;
    private Lsn _stagedThrough;
    private int _persistedEpochCount;
    private long _nextExpiryCycleAtMs;
    private long _nextStatusAtMs;
    private VisibleState _publishedState;
    private long _nextRetentionAtMs;
    private volatile NodeStatus _status;

    public NodeDriver(NodeDriverOptions options, IStorageEngine storage, CommandTable commands, ITransport transport, IRollbackSink rollbacks, ILogger logger)
    {
        _options = options;
        _storage = storage;
        _transport = transport;
        _rollbacks = rollbacks;
        _logger = logger;
        _log = new LogStore(storage);
        _keyspace = new StagedKeyspace(storage);
        _executor = new WriteExecutor(commands, _keyspace, new Random(options.RandomSeed));
        var metadata = NodeMetadata.LoadOrCreate(storage, options.Cluster.Self);
        var lastStored = _log.LastLsn();
        Invariant.That(lastStored == metadata.Applied.Lsn, $"the log ends at {lastStored} where the applied LSN is {metadata.Applied.Lsn}: they are written in one batch");
        _persistedEpochCount = metadata.History.Epochs.Count;
        var (settings, settingsLsn) = metadata.Settings ?? (options.Cluster.BootstrapSettings(), Lsn.Zero);
        _core = new ReplicationCore(options.Replication, options.Cluster, metadata.HardState, metadata.History, settings, settingsLsn, new Random(options.RandomSeed ^ 0x5EED), options.ClientEndpoint);
        Applied.Advance(metadata.Applied.Lsn);
        _status = NodeStatus.Initial(options.Cluster.Self, settings);
    }

    public NodeStatus Status => _status;

    /// <summary>The last LSN applied locally; readable from any thread, with waiting.</summary>
    public AppliedLsnWaiters Applied { get; } = new();

    public bool IsLeader => _core.Role == NodeRole.Leader;

    /// <summary>The leader of the current epoch, if known.</summary>
    public NodeId? Leader => _core.Leader;

    /// <summary>Why writes would be refused here right now (not the leader, no leader known, too few followers), or null.</summary>
    public string? WritesRefused => _core.WritesRefused;

    /// <summary>The cluster settings in force (membership and acknowledgement policy).</summary>
    public ClusterSettings Settings => _core.Settings;

    /// <summary>Raised on the loop whenever the cluster settings change (the host reconnects peers).</summary>
    public event Action<ClusterSettings>? SettingsChanged;

    /// <summary>Raised on the loop when the leader says this node must reload from a snapshot.</summary>
    public event Action<NodeId>? SnapshotRequested;

    /// <summary>Entries retired from the log so far (the replication backlog's front moved).</summary>
    public long RetiredEntries { get; private set; }

    /// <summary>Divergent suffixes rolled back into rollback files since the node started.</summary>
    public long Rollbacks { get; private set; }

    /// <summary>Entries discarded by those rollbacks (each one is in a rollback file).</summary>
    public long RolledBackEntries { get; private set; }

    /// <summary>
    /// Writes a consistent copy of this node's database to <paramref name="directory"/> and returns
    /// the log position it holds. Runs on the loop, after everything staged is stored, so the copy
    /// is exactly the state after that position.
    /// </summary>
    public LogPosition CreateCheckpoint(string directory, string requester)
    {
        if (_storage is not ICheckpointable checkpointable)
        {
            throw new InvalidOperationException("this storage engine cannot create checkpoints");
        }
        // Writes submitted earlier in this loop round are staged, not yet stored: carry them to
        // storage first, or the copy would claim a position whose changes it lacks.
        ProcessReady();
        checkpointable.CreateCheckpoint(directory);
        var position = _core.PositionOf(_core.Appended);
        if (NodeId.TryParse(requester, out var follower))
        {
            _core.OnSnapshotTaken(follower, position);
        }
        return position;
    }

    public void Start(long nowMs)
    {
        _core.Start(nowMs);
        _core.Tick(nowMs);
        ProcessReady();
        SettingsChanged?.Invoke(_core.Settings);
        PublishStatus();
        _logger.LogInformation("node {Node} started as {Role} in epoch {Epoch}; log ends at {Last}", _core.Self, _core.Role, _core.Epoch, _core.History.Last);
    }

    /// <summary>Executes a client's write commands (leader only) and queues their replies for acknowledgement.</summary>
    public void Submit(ClientWriteBatch batch, long nowMs)
    {
        _core.Tick(nowMs);
        if (_core.Transfer is not null)
        {
            _paused.Enqueue(batch); // FAILOVER pauses writes until it hands over or gives up
            return;
        }
        if (_core.WritesRefused is { } refusal)
        {
            batch.Fail(refusal);
            return;
        }
        var reply = new RespWriter(batch.Replies, batch.Protocol);
        for (var i = 0; i < batch.Commands.Count; i++)
        {
            var payload = Execute(batch.Commands[i], reply, nowMs, batch.Db);
            if (payload is not null)
            {
                batch.LastWrittenLsn = Propose(payload);
            }
        }
        batch.WaitFor = _core.History.Last.Lsn;
        _awaitingAck.Enqueue(batch);
    }

    public void Receive(PeerMessage message, long nowMs)
    {
        _core.Tick(nowMs);
        _core.Step(message);
    }

    public void Tick(long nowMs)
    {
        _core.Tick(nowMs);
        if (IsLeader && nowMs >= _nextExpiryCycleAtMs)
        {
            _nextExpiryCycleAtMs = nowMs + _options.ExpiryCycleIntervalMs;
            ExpireDueKeys(nowMs);
        }
        ExpireReplicaWaits(nowMs);
        if (nowMs >= _nextRetentionAtMs)
        {
            _nextRetentionAtMs = nowMs + _options.RetentionIntervalMs;
            _core.ConsiderRetention(_options.Retention, _log.Stats(_core.History.Last.Lsn));
        }
        if (nowMs >= _nextStatusAtMs)
        {
            PublishStatus();
        }
    }

    /// <summary>
    /// Changes the cluster settings (leader only) by appending them to the log. Completes with
    /// null once the change is stored locally (not waiting for followers: the change may be the
    /// one that stops waiting for them), or with an error.
    /// </summary>
    public void ChangeSettings(Func<ClusterSettings, ClusterSettings> change, TaskCompletionSource<string?> completion)
    {
        if (!IsLeader)
        {
            completion.TrySetResult(_core.Leader is { } leader
                ? $"READONLY cluster settings are changed on the leader ({leader}); send this command there"
                : "TRYAGAIN no leader is known yet (an election may be under way); retry");
            return;
        }
        ClusterSettings changed;
        try
        {
            changed = change(_core.Settings);
        }
        catch (ArgumentException e)
        {
            completion.TrySetResult("ERR " + e.Message);
            return;
        }
        _core.ProposeSettings(changed);
        ProcessReady();
        completion.TrySetResult(null);
    }

    /// <summary>
    /// Manual failover: pause writes, wait until <paramref name="target"/> has every entry, hand
    /// over, and step down when it wins (writes held meanwhile then fail with a retryable error);
    /// or give up after <paramref name="timeoutMs"/> and resume. Null when started, else an error.
    /// </summary>
    public string? TransferLeadership(NodeId target, long timeoutMs)
    {
        var error = _core.TransferLeadership(target, timeoutMs);
        if (error is null)
        {
            _logger.LogWarning("manual failover to {Target} started: writes are paused until it hands over (at most {Timeout} ms)", target, timeoutMs);
        }
        ProcessReady();
        return error;
    }

    public string? AbortTransfer()
    {
        var error = _core.AbortTransfer();
        ProcessReady();
        return error;
    }

    /// <summary>Stands for election now (an operator's failover when the leader is gone, or in manual mode).</summary>
    public string? ElectSelf()
    {
        var error = _core.ElectSelf();
        ProcessReady();
        return error;
    }

    /// <summary>A background sync made everything up to <paramref name="lsn"/> durable.</summary>
    public void OnFlushed(Lsn lsn) => _core.OnFlushed(lsn);

    public void OnPeerConnected(NodeId peer) => _core.OnPeerConnected(peer);

    /// <summary>WAIT: completes with the number of followers holding <paramref name="lsn"/>, once there are <paramref name="count"/> or at the deadline (-1: none).</summary>
    public void WaitForReplicas(Lsn lsn, int count, long deadlineMs, TaskCompletionSource<int> completion)
    {
        var wait = new ReplicaWait(lsn, count, deadlineMs, completion);
        if (!TryCompleteWait(wait))
        {
            _replicaWaits.Add(wait);
        }
    }

    /// <summary>Carries out everything the core has decided, until it has nothing more to say.</summary>
    public void ProcessReady()
    {
        ProposeBootstrapSettings();
        while (_core.HasReady)
        {
            Carry(_core.TakeReady());
            ProposeBootstrapSettings();
        }
        ResumePausedWrites();
        // Writes that changed nothing wait only for what they observed, which may already be acknowledged.
        ReleaseAcknowledged(_core.AckedLsn);
        // A client that was just told its write degraded, failed or moved must find INFO agreeing.
        if (CurrentVisibleState() != _publishedState)
        {
            PublishStatus();
        }
    }

    /// <summary>What INFO and ROLE show that changes rarely but must never be seen stale after a reply.</summary>
    private VisibleState CurrentVisibleState() =>
        new(_core.Role, _core.Epoch, _core.Leader, _core.Acks?.IsDegraded ?? false, _core.Acks?.Degradations ?? 0, _core.Acks?.TimedOutWrites ?? 0, _core.Settings);

    private readonly record struct VisibleState(NodeRole Role, Epoch Epoch, NodeId? Leader, bool Degraded, long Degradations, long TimedOut, ClusterSettings Settings);

    private byte[]? Execute(RespCommand command, RespWriter reply, long nowMs, int db)
    {
        try
        {
            return _executor.Execute(command, reply, nowMs, db);
        }
        catch (Exception e) when (e is not InvariantViolationException)
        {
            _logger.LogError(e, "command {Command} failed", command.ToString());
            reply.WriteError($"ERR internal error: {e.Message}");
            return null;
        }
    }

    private Lsn Propose(byte[] payload)
    {
        var entry = _core.Propose(PayloadKind.Logical, payload);
        if (_stagedFrom == Lsn.Zero)
        {
            _stagedFrom = entry.Lsn;
        }
        _stagedThrough = entry.Lsn;
        return entry.Lsn;
    }

    private void Carry(Ready ready)
    {
        if (ready.HardState is { } hardState)
        {
            using var batch = _storage.NewBatch();
            NodeMetadata.WriteHardState(batch, hardState);
            _storage.Write(batch, sync: true);
        }
        foreach (var notice in ready.Notices)
        {
            _logger.LogInformation("{Notice}", notice);
        }
        if (ready.SteppedDown)
        {
            OnSteppedDown();
        }
        foreach (var operation in ready.LogOperations)
        {
            switch (operation)
            {
                case AppendOperation append:
                    Append(append.Entries, append.Sync);
                    break;
                case TruncateOperation truncate:
                    Truncate(truncate.KeepThrough);
                    break;
                case RetireOperation retire:
                    Retire(retire.Through);
                    break;
            }
        }
        foreach (var read in ready.LogReads)
        {
            _core.OnLogRead(read.Follower, read.From, _log.Read(read.From, read.BytesMax));
        }
        foreach (var message in ready.Messages)
        {
            _transport.Send(message);
        }
        if (ready.SnapshotRequested && _core.Leader is { } snapshotSource)
        {
            SnapshotRequested?.Invoke(snapshotSource);
        }
        ReleaseAcknowledged(ready.AckedLsn);
        if (ready.TimedOutThrough > ready.AckedLsn)
        {
            FailUnconfirmed(ready.TimedOutThrough);
        }
        CompleteReplicaWaits();
    }

    /// <summary>Appends and applies entries in one atomic batch: log records, data changes, applied position.</summary>
    private void Append(List<LogEntry> entries, bool syncRequested)
    {
        foreach (var entry in entries)
        {
            var stagedByUs = entry.Lsn >= _stagedFrom && entry.Lsn <= _stagedThrough;
            if (!stagedByUs)
            {
                LogApplier.Apply(entry, _keyspace);
            }
        }
        var last = entries[^1];
        using var batch = _storage.NewBatch();
        _keyspace.FlushTo(batch, last.Lsn);
        foreach (var entry in entries)
        {
            LogStore.Append(batch, entry);
        }
        NodeMetadata.WriteApplied(batch, last.Position);
        WriteHistoryIfChanged(batch);
        var settingsChanged = entries.Any(e => e.Kind == PayloadKind.ClusterConfig);
        if (settingsChanged)
        {
            NodeMetadata.WriteSettings(batch, _core.Settings, _core.SettingsLsn);
        }
        var sync = syncRequested || _options.Durability == DurabilityPolicy.Always;
        _storage.Write(batch, sync);
        if (last.Lsn >= _stagedThrough)
        {
            _stagedFrom = _stagedThrough = Lsn.Zero;
        }
        _core.OnAppended(last.Lsn, synced: sync);
        Applied.Advance(last.Lsn);
        if (settingsChanged)
        {
            _logger.LogInformation("cluster settings now: {Members}; acknowledgement {Ack}",
                string.Join(", ", _core.Settings.Members.Select(m => $"{m.Id} ({m.Role.ToString().ToLowerInvariant()})")), _core.Settings.Ack);
            SettingsChanged?.Invoke(_core.Settings);
        }
    }

    /// <summary>Rolls back every entry after <paramref name="keepThrough"/>, first saving them to a rollback file.</summary>
    private void Truncate(Lsn keepThrough)
    {
        var discarded = _log.Read(keepThrough.Next, long.MaxValue);
        for (var i = discarded.Count - 1; i >= 0; i--)
        {
            LogApplier.Undo(discarded[i], _keyspace);
        }
        _rollbacks.Write(new RollbackRecord(_core.Self, _core.Epoch, keepThrough, _core.NowMs, discarded));
        Rollbacks++;
        RolledBackEntries += discarded.Count;
        var (settings, settingsLsn) = SettingsAt(keepThrough);
        using var batch = _storage.NewBatch();
        _keyspace.FlushTo(batch, keepThrough);
        LogStore.DeleteAfter(batch, keepThrough);
        NodeMetadata.WriteApplied(batch, _core.PositionOf(keepThrough));
        NodeMetadata.WriteHistory(batch, _core.History);
        if (settingsLsn == Lsn.Zero)
        {
            NodeMetadata.DeleteSettings(batch);
        }
        else
        {
            NodeMetadata.WriteSettings(batch, settings, settingsLsn);
        }
        _persistedEpochCount = _core.History.Epochs.Count;
        _storage.Write(batch, sync: true);
        _logger.LogWarning("rolled back {Count} entries after LSN {KeepThrough} that the leader does not have; they are in a rollback file", discarded.Count, keepThrough);
        var settingsReverted = settingsLsn != _core.SettingsLsn;
        _core.OnTruncated(keepThrough, settings, settingsLsn);
        if (settingsReverted)
        {
            SettingsChanged?.Invoke(settings);
        }
        Applied.Advance(keepThrough);
    }

    /// <summary>Deletes the log's prefix through <paramref name="through"/> (the history already moved its base).</summary>
    private void Retire(Lsn through)
    {
        using var batch = _storage.NewBatch();
        LogStore.DeleteThrough(batch, through);
        // No rollback can reach a retired entry: what its changes left as garbage may go now.
        _keyspace.RetiredThrough = through.Value;
        NodeMetadata.WriteHistory(batch, _core.History);
        _persistedEpochCount = _core.History.Epochs.Count;
        _storage.Write(batch, sync: false);
        RetiredEntries = (long)through.Value;
        _logger.LogInformation("retired the log through LSN {Through}; it now starts at {First}", through, through.Next);
    }

    /// <summary>A brand-new cluster's first leader records its starting settings in the log, so every node has them.</summary>
    private void ProposeBootstrapSettings()
    {
        if (IsLeader && _core.SettingsLsn == Lsn.Zero && !_settingsProposed)
        {
            _settingsProposed = true;
            _core.ProposeSettings(_core.Settings);
        }
    }

    /// <summary>Writes held during a FAILOVER run here if it gave up, or fail with a retryable error if it handed over.</summary>
    private void ResumePausedWrites()
    {
        if (_paused.Count == 0 || _core.Transfer is not null)
        {
            return;
        }
        while (_paused.TryDequeue(out var batch))
        {
            if (IsLeader)
            {
                Submit(batch, _core.NowMs);
            }
            else
            {
                batch.Fail(LeadershipMovedError("the write was not applied"));
            }
        }
        ProcessReady();
    }

    /// <summary>This node stopped leading: nothing it has not acknowledged yet can be promised any more.</summary>
    private void OnSteppedDown()
    {
        _settingsProposed = false;
        var error = LeadershipMovedError("the write may or may not have been applied");
        while (_awaitingAck.TryDequeue(out var batch))
        {
            batch.Fail(error);
        }
        foreach (var wait in _replicaWaits)
        {
            wait.Completion.TrySetResult(0);
        }
        _replicaWaits.Clear();
        _logger.LogWarning("{Node} stepped down in epoch {Epoch}: {Reason}", _core.Self, _core.Epoch, _core.LastStepDownReason ?? "a newer epoch began");
    }

    private string LeadershipMovedError(string outcome) =>
        _core.Leader is { } leader
            ? $"TRYAGAIN leadership moved to {leader} (epoch {_core.Epoch}); {outcome}; retry"
            : $"TRYAGAIN this node stopped leading ({_core.LastStepDownReason ?? "a newer epoch began"}); {outcome}; retry";

    /// <summary>The latest settings at or before <paramref name="lsn"/>: a truncation may remove newer ones.</summary>
    private (ClusterSettings Settings, Lsn At) SettingsAt(Lsn lsn)
    {
        if (_core.SettingsLsn <= lsn)
        {
            return (_core.Settings, _core.SettingsLsn);
        }
        foreach (var entry in _log.ReadBackwards(lsn))
        {
            if (entry.Kind == PayloadKind.ClusterConfig)
            {
                return (ClusterSettings.Decode(entry.Payload.Span), entry.Lsn);
            }
        }
        return (_options.Cluster.BootstrapSettings(), Lsn.Zero);
    }

    /// <summary>Writes not confirmed in time under a fail policy: their clients learn it, and why.</summary>
    private void FailUnconfirmed(Lsn through)
    {
        var ack = _core.Settings.Ack;
        var error = $"NOREPLICAS Not enough good replicas to write: not confirmed by {AckTracker.Required(ack, _core.Settings.Voters.Count() - 1)} follower(s) ({ack.ModeText}, {AckPolicy.LevelText(ack.Level)}) within {ack.TimeoutMs} ms. The write is applied on the leader and may still replicate, or be lost in a failover.";
        while (_awaitingAck.TryPeek(out var batch) && batch.WaitFor <= through)
        {
            _awaitingAck.Dequeue().Fail(error);
        }
    }

    private void WriteHistoryIfChanged(IStorageBatch batch)
    {
        if (_core.History.Epochs.Count != _persistedEpochCount)
        {
            NodeMetadata.WriteHistory(batch, _core.History);
            _persistedEpochCount = _core.History.Epochs.Count;
        }
    }

    private void ReleaseAcknowledged(Lsn acked)
    {
        while (_awaitingAck.TryPeek(out var batch) && batch.WaitFor <= acked)
        {
            _awaitingAck.Dequeue().Complete();
        }
    }

    private void ExpireDueKeys(long nowMs)
    {
        foreach (var key in ExpiryCycle.DueKeys(_storage, nowMs, _options.ExpiryCycleKeysMax))
        {
            var payload = _executor.ExecuteInternal(context => ExpiryCycle.ExpireIfDue(context, key), nowMs);
            if (payload is not null)
            {
                Propose(payload);
            }
        }
    }

    private void CompleteReplicaWaits() => _replicaWaits.RemoveAll(TryCompleteWait);

    private void ExpireReplicaWaits(long nowMs) =>
        _replicaWaits.RemoveAll(w =>
        {
            if (w.DeadlineMs < 0 || nowMs < w.DeadlineMs)
            {
                return false;
            }
            w.Completion.TrySetResult(ReplicasHolding(w.Lsn));
            return true;
        });

    private bool TryCompleteWait(ReplicaWait wait)
    {
        var holding = ReplicasHolding(wait.Lsn);
        if (holding < wait.Count)
        {
            return false;
        }
        wait.Completion.TrySetResult(holding);
        return true;
    }

    // Like Redis, count only followers that are connected and streaming.
    private int ReplicasHolding(Lsn lsn) => _core.Followers.Count(f => f.State == FollowerState.Replicating && f.Match >= lsn);

    /// <summary>The loop is stopping: every client still waiting learns that its writes are in doubt.</summary>
    public void FailPending(string error)
    {
        while (_awaitingAck.TryDequeue(out var batch))
        {
            batch.Fail(error);
        }
        foreach (var wait in _replicaWaits)
        {
            wait.Completion.TrySetResult(ReplicasHolding(wait.Lsn));
        }
        _replicaWaits.Clear();
    }

    /// <summary>Publishes the status now rather than at the next interval.</summary>
    public void RefreshStatus() => PublishStatus();

    private void PublishStatus()
    {
        _nextStatusAtMs = _core.NowMs + _options.StatusIntervalMs;
        _publishedState = CurrentVisibleState();
        _status = NodeStatusBuilder.Build(_core);
    }
}
