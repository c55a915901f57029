using System.Buffers;
using Chorus.Commands.Execution;
using Chorus.Core;
using Chorus.Core.Messaging;
using Chorus.Replication.Messages;
using Chorus.Resp;
using Chorus.Node;
using Chorus.Simulation.Engine;
using Chorus.Simulation.Network;
using Chorus.Storage;
using Chorus.Storage.InMemory;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chorus.Simulation.Nodes;

/// <summary>
/// One node: the production <see cref="NodeDriver"/> over an in-memory disk, fed one input at a
/// time exactly as the production loop feeds it (handle the input, tick, carry out the Ready),
/// with its own skewable clock. The disk survives crashes minus what was never synced.
/// </summary>
internal sealed class SimNode
{
    private readonly NodeDriverOptions _options;
    private readonly CommandTable _commands;
    private readonly ITransport _transport;
    private readonly Scheduler _scheduler;
    private readonly TraceLog _trace;
    private readonly Queue<(Action Run, Action? Lost)> _held = new();
    private readonly List<(ClientWriteBatch Batch, Action Done, Action Lost)> _pending = [];
    private readonly RequestBatch _readCommand = new();
    private readonly ArrayBufferWriter<byte> _readReply = new(256);
    private readonly List<NodeFailure> _failures;
    private Random _readRandom = new(0);

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
    }

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

    /// <summary>Called after every input the node handled (and after it started): the role and epoch observers look here.</summary>
    public Action<SimNode>? Handled { get; set; }

    /// <summary>The epoch in the node's durable hard state (meta "epoch"): what it would resume with after a crash.</summary>
    public Epoch DurableEpoch => HardStateProbe.Epoch(Storage);

    public void Start(int randomSeed)
    {
        State = NodeState.Up;
        Incarnation++;
        _readRandom = new Random(randomSeed);
        Guard(() =>
        {
            Driver = new NodeDriver(_options with { RandomSeed = randomSeed }, Storage, _commands, _transport, Rollbacks, NullLogger.Instance);
            Driver.Start(LocalMs);
            Driver.ProcessReady();
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

    /// <summary>Thaws a paused node: everything that queued up is handled now, in arrival order.</summary>
    public void Resume()
    {
        if (State != NodeState.Paused)
        {
            return;
        }
        State = NodeState.Up;
        while (State == NodeState.Up && _held.TryDequeue(out var input))
        {
            input.Run();
        }
    }

    /// <summary>A peer message arrives: decoded as the production transport decodes it, then handled.</summary>
    public void Receive(Envelope message, IMessageTamper? tamper) =>
        Input((driver, now) => driver.Receive(tamper is null ? message : Tampered(message, tamper), now));

    /// <summary>A broken variant rewrites single-leader messages on their way in (re-encoded as production would send them).</summary>
    private static Envelope Tampered(Envelope message, IMessageTamper tamper) =>
        message.Family == MessageFamily.SingleLeader
            ? message with { Bytes = PeerMessageCodec.Encode(tamper.Tamper(PeerMessageCodec.Decode(message.Bytes))) }
            : message;

    public void PeerConnected(NodeId peer) => Input((driver, _) => driver.OnPeerConnected(peer));

    /// <summary>The idle tick of the production loop (every 10 ms).</summary>
    public void Tick() => Input((_, _) => { });

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
        Input((driver, _) => driver.OnFlushed(written));
    }

    /// <summary>A client's write commands; <paramref name="done"/> runs once the driver acknowledges them.</summary>
    public void SubmitWrites(ClientWriteBatch batch, Action done, Action lost) =>
        WhenRunning(
            () => Input((driver, now) =>
            {
                driver.Submit(batch, now);
                _pending.Add((batch, done, lost));
            }),
            lost);

    /// <summary>A client's read, served from local storage as the RESP front end serves it.</summary>
    public void Read(string[] command, Action<RespValue> reply, Action lost) =>
        WhenRunning(() => reply(ReadNow(command)), lost);

    /// <summary>
    /// A read that only a leader serves: a node that does not believe it leads refuses it with the
    /// redirect a write would get. It checks the role it has when the read is served, without
    /// ticking first — as the RESP front end reads the driver's role — so a deposed leader that has
    /// not noticed yet (paused, or its lease not yet run out) still serves it.
    /// </summary>
    public void ReadAtLeader(string[] command, Action<RespValue> reply, Action lost) =>
        WhenRunning(
            () => reply(Driver is { IsLeader: true } ? ReadNow(command) : RespValue.Error(Driver?.WritesRefused ?? "TRYAGAIN node stopped")),
            lost);

    /// <summary>An operator's CHORUS.ELECT on this node (manual failover).</summary>
    public void Elect() => Input((driver, _) => driver.ElectSelf());

    /// <summary>Runs a read command against local storage at the node's time (also used for the final state).</summary>
    public RespValue ReadNow(string[] command)
    {
        _readCommand.Clear();
        _readCommand.Add(command);
        var parsed = _readCommand[0];
        Invariant.That(_commands.TryGet(parsed[0], out var spec) && spec.Read is not null, $"{command[0]} is a read command");
        _readReply.Clear();
        spec.Read!(new ReadContext(Storage, _readRandom) { NowMs = LocalMs }, parsed, new RespWriter(_readReply, RespProtocol.Resp2));
        return RespReplyParser.Parse(_readReply.WrittenSpan);
    }

    private void Input(Action<NodeDriver, long> handle) =>
        WhenRunning(
            () =>
            {
                Guard(() =>
                {
                    var now = LocalMs;
                    handle(Driver!, now);
                    Driver!.Tick(now);
                    Driver.ProcessReady();
                });
                ReleaseAcknowledged();
                Handled?.Invoke(this);
            },
            lost: null);

    private void WhenRunning(Action run, Action? lost)
    {
        switch (State)
        {
            case NodeState.Down:
                lost?.Invoke();
                break;
            case NodeState.Paused:
                _held.Enqueue((run, lost));
                break;
            default:
                run();
                break;
        }
    }

    private void ReleaseAcknowledged()
    {
        for (var i = 0; i < _pending.Count; i++)
        {
            if (_pending[i].Batch.Completion.IsCompleted)
            {
                var done = _pending[i].Done;
                _pending.RemoveAt(i--);
                done();
            }
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
        var lost = new List<Action>();
        while (_held.TryDequeue(out var input))
        {
            if (input.Lost is not null)
            {
                lost.Add(input.Lost);
            }
        }
        lost.AddRange(_pending.Select(p => p.Lost));
        _pending.Clear();
        foreach (var notify in lost)
        {
            notify();
        }
    }
}
