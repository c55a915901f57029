using Chorus.Commands.Data;
using Chorus.Commands.Execution;
using Chorus.Commands.Keyspace;
using Chorus.Core;
using Chorus.Core.Messaging;
using Chorus.Replication;
using Chorus.Replication.Log;
using Chorus.Replication.Messages;
using Chorus.Replication.Election;
using Chorus.Replication.Quorum;
using Chorus.Replication.SingleLeader;
using Chorus.Resp;
using Chorus.Storage;
using Chorus.Storage.InMemory;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chorus.Node.Tests.Driver;

/// <summary>
/// Node drivers over in-memory disks, connected by an in-memory network the test controls,
/// with a clock the test moves: the production driver, replication core and command layer,
/// without sockets or threads.
/// </summary>
internal sealed class DriverCluster
{
    private readonly Dictionary<NodeId, DriverNode> _nodes = [];
    private readonly List<PeerMessage> _inFlight = [];

    public DriverCluster(int size, DurabilityPolicy durability = DurabilityPolicy.EverySecond, AckPolicy? ack = null, int electionTimeoutMs = 1000, FailoverMode failover = FailoverMode.Auto)
    {
        Failover = failover;
        Durability = durability;
        Ack = ack ?? AckPolicy.Default;
        ElectionTimeoutMs = electionTimeoutMs;
        Members = [.. Enumerable.Range(1, size).Select(i => new NodeId($"n{i}"))];
        foreach (var id in Members)
        {
            _nodes[id] = new DriverNode(id);
        }
    }

    public DurabilityPolicy Durability { get; }

    public AckPolicy Ack { get; }

    public int ElectionTimeoutMs { get; }

    public FailoverMode Failover { get; }

    /// <summary>The node that leads now (n1 unless a failover happened).</summary>
    public string Leader => _nodes.Values.Where(n => n.Driver is { Status.Role: NodeRole.Leader }).Select(n => n.Id.Value).FirstOrDefault("n1");

    public IReadOnlyList<NodeId> Members { get; }

    public long NowMs { get; private set; } = 1_700_000_000_000;

    public Func<PeerMessage, bool> Network { get; set; } = _ => true;

    /// <summary>How much log each node keeps (the default keeps it all for the length of any test).</summary>
    public RetentionOptions Retention { get; init; } = new();

    /// <summary>The log format every node starts with (--log-format).</summary>
    public Chorus.Commands.Statements.LogFormatSetting LogFormat { get; init; } = Chorus.Commands.Statements.LogFormatSetting.Default;

    /// <summary>The storage format version a node claims (physical log entries), by node id; the build's own for the rest.</summary>
    public Dictionary<string, uint> StorageFormatVersions { get; init; } = [];

    /// <summary>Write commands a node's build does not know, by node id (a follower older than its leader).</summary>
    public Dictionary<string, string[]> UnknownCommands { get; init; } = [];

    /// <summary>What a node does with a statement naming a command it does not know, by node id (stop for the rest).</summary>
    public Dictionary<string, Chorus.Commands.Statements.UnknownStatementPolicy> UnknownStatements { get; init; } = [];

    public DriverNode this[string id] => _nodes[new NodeId(id)];

    /// <summary>Starts every node and lets n1, the preferred leader, win its election.</summary>
    public void StartAll()
    {
        foreach (var id in Members)
        {
            Start(id.Value);
        }
        DeliverAll();
    }

    public void Start(string id)
    {
        var node = this[id];
        var cluster = new ClusterConfig(node.Id, Members[0], Members) { InitialAck = Ack, InitialFailover = Failover };
        var family = new SingleLeaderFamily(new ReplicationOptions { ElectionTimeoutMs = ElectionTimeoutMs }, cluster, $"127.0.0.1:{id}");
        var options = new NodeDriverOptions(node.Id, family)
        {
            Durability = Durability,
            Retention = Retention,
            LogFormat = LogFormat,
            StorageFormatVersion = StorageFormatVersions.GetValueOrDefault(id, Chorus.Storage.StorageFormatVersion.Current),
            RandomSeed = 7919 * (Members.ToList().IndexOf(node.Id) + 1) + node.Restarts++,
            UnknownStatements = UnknownStatements.GetValueOrDefault(id),
        };
        var unknown = UnknownCommands.GetValueOrDefault(id, []);
        var commands = new CommandTable(DataCommands.All.Where(c => !unknown.Contains(c.Name, StringComparer.OrdinalIgnoreCase)));
        node.Inbox = new NodeInbox(node.Id);
        node.Driver = new NodeDriver(options, node.Storage, commands, new Outbox(_inFlight), node.Rollbacks, NullLogger.Instance);
        node.Driver.Start(NowMs);
    }

    /// <summary>Power loss: the node stops and its disk loses every write since the last sync.</summary>
    public void Crash(string id)
    {
        var node = this[id];
        node.Driver = null;
        node.Storage.SimulateCrash();
        _inFlight.RemoveAll(m => m.To == node.Id || m.From == node.Id);
    }

    /// <summary>The background syncer ran on <paramref name="id"/>.</summary>
    public void Sync(string id)
    {
        var node = this[id];
        var applied = node.Driver!.Applied.Applied;
        node.Storage.Sync();
        Run(node, new FlushedInput(applied));
    }

    /// <summary>Runs write commands on the leader as one client batch; returns the replies.</summary>
    public List<RespValue> Write(params string[][] commands)
    {
        using var batch = Submit(commands);
        Assert.True(batch.Completion.IsCompleted, "an async-mode write is acknowledged once the leader has stored it");
        return Replies(batch);
    }

    /// <summary>Submits write commands to the leader without waiting; the caller checks completion.</summary>
    public ClientWriteBatch Submit(params string[][] commands)
    {
        var batch = new ClientWriteBatch();
        foreach (var command in commands)
        {
            batch.Commands.Add(command);
        }
        Run(this[Leader], new ClientWritesInput(batch));
        return batch;
    }

    /// <summary>Runs <paramref name="commands"/> as one transaction (EXEC) on <paramref name="id"/> (the leader by default).</summary>
    public ClientWriteBatch Transaction(WatchSet? watch, string? id, params string[][] commands)
    {
        var batch = new ClientWriteBatch { IsTransaction = true, Watch = watch };
        var table = new CommandTable(DataCommands.All);
        foreach (var command in commands)
        {
            batch.Commands.Add(command);
            batch.TransactionWrites |= table.TryGet(command[0], out var spec) && spec.Write is not null;
        }
        Run(this[id ?? Leader], new ClientWritesInput(batch));
        return batch;
    }

    /// <summary>Watches <paramref name="key"/> (database 0) on <paramref name="id"/> as a connection's WATCH would.</summary>
    public void Watch(string id, WatchSet watch, string key)
    {
        var node = this[id];
        var bytes = System.Text.Encoding.UTF8.GetBytes(key);
        node.Driver!.Watches.Watch(watch, 0, bytes, () =>
        {
            var stored = new ReadContext(node.Storage).GetStored(KeyspaceCatalog.ReadPhysical(node.Storage, 0), bytes);
            return (stored is not null, stored is not null && Chorus.Commands.Values.KeyRecord.Parse(stored).IsExpiredAt(NowMs));
        }, node.Driver.Applied.Applied);
    }

    /// <summary>The entries in <paramref name="id"/>'s log.</summary>
    public List<Chorus.Core.Log.LogEntry> Log(string id) => new LogStore(this[id].Storage).Read(new Lsn(1), long.MaxValue);

    /// <summary>Posts a guarded read of <paramref name="command"/> to <paramref name="id"/>'s loop; the verdict completes when the reply may leave, the value is what the loop read.</summary>
    public (TaskCompletionSource<ReadVerdict> Verdict, Func<RespValue?> Value) GuardedRead(string id, ReadGuard guard, params string[] command)
    {
        RespValue? value = null;
        var verdict = new TaskCompletionSource<ReadVerdict>();
        Run(this[id], new GuardedReadInput(guard, () => value = Read(id, command), verdict));
        return (verdict, () => value);
    }

    /// <summary>Runs an operator action on <paramref name="id"/>'s loop; the task holds its error, or null.</summary>
    public Task<string?> Admin(string id, Func<IReplicationCore, string?> action)
    {
        var completion = new TaskCompletionSource<string?>();
        Run(this[id], new AdminInput(action, completion));
        return completion.Task;
    }

    /// <summary>One loop round on <paramref name="id"/> with <paramref name="input"/> in its inbox.</summary>
    public void Post(string id, NodeInput input) => Run(this[id], input);

    /// <summary>One production loop round on <paramref name="node"/> with <paramref name="input"/> in its inbox.</summary>
    private void Run(DriverNode node, NodeInput? input = null)
    {
        if (input is not null)
        {
            node.Inbox.Post(input);
        }
        LoopRound.Run(node.Driver!, node.Inbox, NowMs);
    }

    public static List<RespValue> Replies(ClientWriteBatch batch) => Replies(batch.Replies.WrittenMemory);

    public RespValue Write(params string[] command) => Write([command])[0];

    /// <summary>Runs a read command against one node's local replica.</summary>
    public RespValue Read(string id, params string[] command)
    {
        var commands = new CommandTable(DataCommands.All);
        using var batch = new RequestBatch();
        batch.Add(command);
        Assert.True(commands.TryGet(batch[0][0], out var spec));
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        spec.Read!(new ReadContext(this[id].Storage) { NowMs = NowMs }, batch[0], new RespWriter(output, RespProtocol.Resp2));
        return RespReplyParser.Parse(output.WrittenSpan);
    }

    public void Settle(int rounds = 30)
    {
        for (var i = 0; i < rounds; i++)
        {
            DeliverAll();
            Advance(100);
        }
        DeliverAll();
    }

    public void DeliverAll(int stepsMax = 100_000)
    {
        for (var step = 0; step < stepsMax && _inFlight.Count > 0; step++)
        {
            var message = _inFlight[0];
            _inFlight.RemoveAt(0);
            var target = _nodes[message.To];
            if (target.Driver is null || !Network(message))
            {
                continue;
            }
            Run(target, new PeerMessageInput(new Envelope(message.From, message.To, MessageFamily.SingleLeader, PeerMessageCodec.Encode(message))));
        }
    }

    public void Advance(long ms)
    {
        NowMs += ms;
        foreach (var node in _nodes.Values.Where(n => n.Driver is not null))
        {
            Run(node);
        }
    }

    public string Digest(string id) => KeyspaceDigest.Compute(this[id].Storage).Digest;

    private static List<RespValue> Replies(ReadOnlyMemory<byte> bytes)
    {
        var replies = new List<RespValue>();
        var reader = new System.Buffers.SequenceReader<byte>(new System.Buffers.ReadOnlySequence<byte>(bytes));
        while (!reader.End)
        {
            Assert.Equal(System.Buffers.OperationStatus.Done, RespReplyParser.TryParse(ref reader, out var value));
            replies.Add(value!);
        }
        return replies;
    }

    private sealed class Outbox(List<PeerMessage> inFlight) : ITransport
    {
        public void Send(Envelope message) => inFlight.Add(PeerMessageCodec.Decode(message.Bytes));
    }
}

/// <summary>One node: its disk survives restarts; its driver is null while it is down.</summary>
internal sealed class DriverNode(NodeId id)
{
    public NodeId Id { get; } = id;

    public InMemoryStorageEngine Storage { get; } = new();

    public NodeDriver? Driver { get; set; }

    public NodeInbox Inbox { get; set; } = new(id);

    public MemoryRollbackSink Rollbacks { get; } = new();

    public int Restarts { get; set; }
}

internal sealed class MemoryRollbackSink : IRollbackSink
{
    public List<RollbackRecord> Records { get; } = [];

    /// <summary>While positive, each write fails (a full disk, say) and counts down.</summary>
    public int FailuresLeft { get; set; }

    public void Write(RollbackRecord record)
    {
        if (FailuresLeft > 0)
        {
            FailuresLeft--;
            throw new IOException("No space left on device");
        }
        Records.Add(record);
    }
}
