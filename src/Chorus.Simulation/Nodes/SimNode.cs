using Chorus.Commands.Execution;
using Chorus.Core;
using Chorus.Core.Messaging;
using Chorus.Node;
using Chorus.Node.Sessions;
using Chorus.Replication;
using Chorus.Replication.Messages;
using Chorus.Replication.SingleLeader;
using Chorus.Resp;
using Chorus.Simulation.Engine;
using Chorus.Simulation.Network;
using Chorus.Storage;
using Chorus.Storage.InMemory;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chorus.Simulation.Nodes;

/// <summary>
/// One node: the production <see cref="NodeDriver"/> over an in-memory disk, with the production
/// inbox (peer lane before client lane) and the production <see cref="LoopRound"/>: inputs pile
/// up in the inbox and a round handles what has arrived, as the real loop does. A starved node
/// (a busy CPU) runs its rounds late, so inputs pile up further. Its own skewable clock; a disk
/// that survives crashes minus what was never synced.
/// </summary>
internal sealed class SimNode
{
    private readonly NodeDriverOptions _options;
    private readonly CommandTable _commands;
    private readonly ITransport _transport;
    private readonly Scheduler _scheduler;
    private readonly TraceLog _trace;
    private readonly PendingCalls _calls = new();
    private readonly LocalReader _reader;
    private readonly List<NodeFailure> _failures;
    private NodeInbox _inbox;
    private bool _roundScheduled;
    private long _nextRoundAtUs;

    public SimNode(NodeId id, NodeDriverOptions options, InMemoryStorageEngine disk, IStorageEngine storage, CommandTable commands, ITransport transport, Scheduler scheduler, TraceLog trace, List<NodeFailure> failures)
    {
        Id = id;
        _options = options;
        Disk = disk;
        Storage = storage;
        _commands = commands;
        _transport = transport;
        _scheduler = scheduler;
        _trace = trace;
        _failures = failures;
        _inbox = new NodeInbox(id);
        _reader = new LocalReader(commands, storage);
        Rollbacks.Observed = record => RolledBack?.Invoke(this, record);
    }

    /// <summary>Told of each rollback this node writes (named sessions match it to their writes).</summary>
    public Action<SimNode, RollbackRecord>? RolledBack { get; init; }

    /// <summary>The named sessions this node knows (in memory: empty again at each start, as production's).</summary>
    public SessionTable<SessionRecord> Sessions { get; private set; } = NewSessions();

    private static SessionTable<SessionRecord> NewSessions() => new((id, nowMs) => new SessionRecord(id, nowMs), 24 * 60 * 60 * 1000);

    public NodeId Id { get; }

    /// <summary>The bare disk: what a power loss acts on.</summary>
    public InMemoryStorageEngine Disk { get; }

    /// <summary>The disk as the driver sees it (through any decorators).</summary>
    public IStorageEngine Storage { get; }

    public NodeClock Clock { get; } = new();

    public MemoryRollbackSink Rollbacks { get; } = new();

    public NodeState State { get; private set; } = NodeState.Down;

    public NodeDriver? Driver { get; private set; }

    /// <summary>Bumped at every start, so periodic events of an earlier life stop.</summary>
    public int Incarnation { get; private set; }

    public long LocalMs => Clock.LocalMs(_scheduler.NowUs);

    /// <summary>Called after every round the node ran (and after it started): the role and epoch observers look here.</summary>
    public Action<SimNode>? Handled { get; set; }

    /// <summary>While set, the node is starved: after each round, the next one starts only this many µs later (drawn per round).</summary>
    public Func<long>? StarvedRoundGapUs { get; set; }

    /// <summary>The epoch in the node's durable hard state (meta "epoch"): what it would resume with after a crash.</summary>
    public Epoch DurableEpoch => HardStateProbe.Epoch(Storage);

    /// <summary>The node leads, as its published status says (what connection threads see).</summary>
    public bool IsLeader => Driver is { Status.Role: NodeRole.Leader };

    public void Start(int randomSeed)
    {
        State = NodeState.Up;
        Incarnation++;
        _reader.Reseed(randomSeed);
        _inbox = new NodeInbox(Id);
        Sessions = NewSessions();
        _roundScheduled = false;
        _nextRoundAtUs = 0;
        Guard(() =>
        {
            Driver = new NodeDriver(_options with { RandomSeed = randomSeed }, Storage, _commands, _transport, Rollbacks, NullLogger.Instance);
            Driver.SnapshotRequested += request => SnapshotRequested?.Invoke(this, request);
            Driver.Start(LocalMs);
        });
        Handled?.Invoke(this);
    }

    /// <summary>Power loss: the node stops, its disk forgets everything not synced. Returns the storage operations lost.</summary>
    public int Crash()
    {
        var lost = Disk.UnsyncedOperations;
        Stop();
        Disk.SimulateCrash();
        return lost;
    }

    public void Pause()
    {
        if (State == NodeState.Up)
        {
            State = NodeState.Paused;
        }
    }

    /// <summary>Thaws a paused node: what piled up in its inbox is handled now, round by round.</summary>
    public void Resume()
    {
        if (State != NodeState.Paused)
        {
            return;
        }
        State = NodeState.Up;
        ScheduleRound();
    }

    /// <summary>A peer message arrives, as the production transport delivers it.</summary>
    public void Receive(Envelope message, IMessageTamper? tamper) =>
        Post(new PeerMessageInput(tamper is null ? message : Tampered(message, tamper)));

    /// <summary>A broken variant rewrites single-leader messages on their way in (re-encoded as production would send them).</summary>
    private static Envelope Tampered(Envelope message, IMessageTamper tamper) =>
        message.Family == MessageFamily.SingleLeader
            ? message with { Bytes = PeerMessageCodec.Encode(tamper.Tamper(PeerMessageCodec.Decode(message.Bytes))) }
            : message;

    public void PeerConnected(NodeId peer) => Post(new PeerConnectedInput(peer));

    /// <summary>The idle tick of the production loop (every 10 ms): a round, even with nothing in the inbox.</summary>
    public void Tick() => ScheduleRound();

    /// <summary>fsync=everysec: the background syncer makes what was written durable and reports how far.</summary>
    public void SyncInBackground()
    {
        if (State != NodeState.Up || Driver is null)
        {
            return;
        }
        var written = Driver.Applied.Applied;
        Storage.Sync();
        if (_trace.Enabled)
        {
            _trace.Add(_scheduler.NowUs, Id.Value, $"fsync through lsn {written}");
        }
        Post(new FlushedInput(written));
    }

    /// <summary>A client's write commands; <paramref name="done"/> runs once the driver completes them.</summary>
    public void SubmitWrites(ClientWriteBatch batch, Action done, Action lost)
    {
        if (State == NodeState.Down)
        {
            lost();
            return;
        }
        _calls.AddWrite(batch, done, lost);
        Post(new ClientWritesInput(batch));
    }

    /// <summary>
    /// The leader's side of a forwarded batch, as production's forward handler runs it: refused
    /// with the node's refusal unless it believes it leads, else run by the loop like a client's
    /// batch. A node that is down refuses the connection (nothing applied); one that crashes with
    /// the batch in hand never answers (the follower times it out, in doubt).
    /// </summary>
    public void ServeForwarded(ForwardedCopy request, Action<ForwardAnswer> answer)
    {
        if (State == NodeState.Down)
        {
            answer(ForwardAnswer.LinkFailed(ForwardFailure.NotDelivered));
            return;
        }
        if (!IsLeader)
        {
            answer(ForwardAnswer.Failed(Driver?.Status.Admission.Refusal is { } refusal ? OutcomeText.Error(refusal) : $"TRYAGAIN {Id} is not the leader; retry"));
            return;
        }
        var batch = request.ToBatch();
        SubmitWrites(batch, done: () => answer(ForwardAnswer.Served(batch)), lost: () => { });
    }

    /// <summary>
    /// WAIT numreplicas timeout for <paramref name="lsn"/>, through the production replica-wait
    /// service (the deadline on the node's own clock). <paramref name="reply"/> gets the count.
    /// </summary>
    public void WaitReplicas(Chorus.Core.Lsn lsn, int count, long timeoutMs, Action<int> reply, Action lost) =>
        WhenServing(
            () =>
            {
                var completion = _calls.AddReplicaWait(reply, lost);
                Post(new WaitReplicasInput(lsn, count, timeoutMs, completion));
            },
            lost);

    /// <summary>Whether this node's log holds <paramref name="lsn"/> (or it applied past it and retired the entry).</summary>
    public bool Holds(Chorus.Core.Lsn lsn) =>
        State != NodeState.Down && Driver is { } driver
        && (driver.Applied.Applied >= lsn || Storage.Get(Chorus.Storage.StorageColumn.Log, LogKey(lsn)) is not null);

    private static byte[] LogKey(Chorus.Core.Lsn lsn)
    {
        var key = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(key, lsn.Value);
        return key;
    }

    /// <summary>Raised when this node's core asks for a snapshot (or a Merkle resync) from the named leader (see <see cref="Cluster.SnapshotTransfers"/>).</summary>
    public Action<SimNode, SnapshotRequest>? SnapshotRequested { get; set; }

    /// <summary>
    /// The leader's side of a snapshot: an in-memory copy of its storage, taken on its loop by the
    /// production driver (which keeps the log after it for the follower); <paramref name="taken"/>
    /// gets the rows, the position and how far the copy's log was committed once the round ran.
    /// Nothing if the node is down or paused.
    /// </summary>
    public void TakeSnapshot(string requester, Action<IReadOnlyList<Cluster.SnapshotRow>, Chorus.Core.LogPosition, Chorus.Core.Lsn> taken)
    {
        if (State != NodeState.Up)
        {
            return;
        }
        var rows = new List<Cluster.SnapshotRow>();
        var committed = Chorus.Core.Lsn.Zero;
        var completion = _calls.AddSnapshot(position => taken(rows, position, Chorus.Core.Lsn.Min(committed, position.Lsn)));
        Post(new SnapshotInput(requester, storage =>
        {
            rows.AddRange(StorageCopy.Rows(storage));
            // Read on the loop with the copy, as production's checkpoint does (SnapshotTaker.CommittedThrough).
            committed = Driver?.Core.Committed?.Lsn ?? Chorus.Core.Lsn.Zero;
        }, completion));
    }

    /// <summary>
    /// Installs a received snapshot, as production's swap does before the node reopens: the node
    /// stops, its disk is replaced by the snapshot, which is claimed for this node, and the entries
    /// only the old disk held (and any rollback it had not written yet) are staged in the new one
    /// by production's <see cref="ReplacedLogRollbacks"/>, to reach the rollback file when the node
    /// starts. The caller starts it again. Returns how many entries were carried as a rollback.
    /// </summary>
    public int ReloadFrom(IReadOnlyList<Cluster.SnapshotRow> rows)
    {
        Stop();
        using var replaced = new InMemoryStorageEngine();
        StorageCopy.Install(replaced, [.. StorageCopy.Rows(Disk)], Id);
        StorageCopy.Install(Disk, rows, Id);
        return ReplacedLogRollbacks.Carry(replaced, Disk, Id, LocalMs);
    }

    /// <summary>A client's read, served from local storage as the RESP front end serves it.</summary>
    public void Read(string[] command, Action<RespValue> reply, Action lost) =>
        WhenServing(() => reply(ReadNow(command)), lost);

    /// <summary>
    /// A read that only a leader serves: a node that does not believe it leads refuses it with the
    /// redirect a write would get. It checks the published status — as a connection thread does —
    /// so a deposed leader that has not noticed yet (paused, or its lease not yet run out) still serves it.
    /// </summary>
    public void ReadAtLeader(string[] command, Action<RespValue> reply, Action lost) =>
        WhenServing(
            () => reply(IsLeader ? ReadNow(command) : RespValue.Error(Driver?.Status.Admission.Refusal is { } refusal ? OutcomeText.Error(refusal) : "TRYAGAIN node stopped")),
            lost);

    /// <summary>
    /// A read under a consistency guarantee: the production read gate decides when it is served
    /// (and runs it on the loop), or holds it back with the error a client would get.
    /// </summary>
    public void ReadGuarded(string[] command, ReadGuard guard, Action<RespValue, Chorus.Core.Lsn> reply, Action lost) =>
        WhenServing(
            () =>
            {
                var read = _calls.AddGuardedRead(reply, lost);
                read.AtFollower = !IsLeader;
                Post(new GuardedReadInput(guard, () => (read.Value, read.AtFollower) = (ReadNow(command), !IsLeader), read.Completion));
            },
            lost);

    /// <summary>Guarded reads this node answered while it did not lead: served, and held back as too stale.</summary>
    public GuardedFollowerReads FollowerReads => _calls.FollowerReads;

    /// <summary>An operator's CHORUS.ELECT on this node (manual failover).</summary>
    public void Elect() => Post(new AdminInput(core => ((SingleLeaderCore)core).ElectSelf() == ControlResult.Done ? null : "refused", new TaskCompletionSource<string?>()));

    /// <summary>Posts an input for the loop (lost if the node is down).</summary>
    public void Post(NodeInput input)
    {
        if (State == NodeState.Down)
        {
            return;
        }
        _inbox.Post(input);
        ScheduleRound();
    }

    /// <summary>Runs a read command against local storage at the node's time (also used for the final state).</summary>
    public RespValue ReadNow(string[] command) => _reader.Read(command, LocalMs);

    /// <summary>Schedules the next round, unless one is scheduled: now, or when a starved node gets the CPU back.</summary>
    private void ScheduleRound()
    {
        if (_roundScheduled || State != NodeState.Up)
        {
            return;
        }
        _roundScheduled = true;
        var incarnation = Incarnation;
        _scheduler.At(Math.Max(_scheduler.NowUs, _nextRoundAtUs), () => RunRound(incarnation));
    }

    private void RunRound(int incarnation)
    {
        if (incarnation != Incarnation)
        {
            return;
        }
        _roundScheduled = false;
        if (State != NodeState.Up)
        {
            return;
        }
        Guard(() => LoopRound.Run(Driver!, _inbox, LocalMs));
        if (StarvedRoundGapUs is { } gap)
        {
            _nextRoundAtUs = _scheduler.NowUs + gap();
        }
        _calls.ReleaseCompleted(State == NodeState.Up);
        Handled?.Invoke(this);
        if (_inbox.Count > 0)
        {
            ScheduleRound();
        }
    }

    /// <summary>Runs <paramref name="serve"/> as this node would handle a request now: at once if up, after a pause, never if down (<paramref name="lost"/>).</summary>
    public void WhenUp(Action serve, Action lost) => WhenServing(serve, lost);

    private void WhenServing(Action serve, Action lost)
    {
        if (State == NodeState.Up)
        {
            serve();
        }
        else if (State == NodeState.Down)
        {
            lost();
        }
        else
        {
            // A paused process answers nothing until it resumes; a resumed one answers then.
            _calls.HoldWhilePaused(serve, lost);
        }
    }

    /// <summary>Production stops a node whose loop throws; so does the simulator, and records why.</summary>
    private void Guard(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            _failures.Add(new NodeFailure(Id.Value, _scheduler.NowUs, $"{e.GetType().Name}: {e.Message}"));
            if (_trace.Enabled)
            {
                _trace.Add(_scheduler.NowUs, Id.Value, $"STOPPED by {e.GetType().Name}: {e.Message}");
            }
            Stop();
        }
    }

    private void Stop()
    {
        State = NodeState.Down;
        Driver = null;
        var lost = _calls.TakeLost();
        _inbox = new NodeInbox(Id);
        foreach (var notify in lost)
        {
            notify();
        }
    }
}
