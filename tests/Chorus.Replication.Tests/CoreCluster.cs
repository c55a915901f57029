using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Replication.Election;
using Chorus.Replication.Log;
using Chorus.Replication.Membership;
using Chorus.Replication.Quorum;
using Chorus.Replication.Messages;
using Chorus.Replication.SingleLeader;

namespace Chorus.Replication.Tests;

/// <summary>
/// Replication cores wired together by hand: an in-memory log per node as the "disk", a message
/// queue as the "network" (which tests may inspect, drop or hold), and a clock the test moves.
/// Carries out each core's Ready exactly as the node driver does, minus the key-value data.
/// </summary>
internal sealed class CoreCluster
{
    private readonly Dictionary<NodeId, CoreNode> _nodes = [];

    public CoreCluster(int size, ReplicationOptions? options = null, AckPolicy? ack = null)
    {
        // The host, not these transcripts, would record the bootstrap settings: keep the logs as scripted.
        Options = (options ?? new ReplicationOptions()) with { RecordBootstrapSettings = false };
        InitialAck = ack ?? AckPolicy.Default;
        Members = [.. Enumerable.Range(1, size).Select(i => new NodeId($"n{i}"))];
        foreach (var id in Members)
        {
            _nodes[id] = new CoreNode(id);
        }
    }

    public ReplicationOptions Options { get; }

    public AckPolicy InitialAck { get; }

    public IReadOnlyList<NodeId> Members { get; }

    /// <summary>The node that stands for election first (n1).</summary>
    public NodeId Preferred => Members[0];

    /// <summary>The current leader: the running node that leads in the highest epoch.</summary>
    public NodeId Leader =>
        _nodes.Values.Where(n => n.Core is { Role: NodeRole.Leader }).OrderByDescending(n => n.Core!.Epoch).Select(n => n.Id).FirstOrDefault(Preferred);

    public FailoverMode Failover { get; init; } = FailoverMode.Auto;

    public long NowMs { get; private set; } = 1_000_000;

    /// <summary>Messages sent and not yet delivered, in send order.</summary>
    public List<PeerMessage> InFlight { get; } = [];

    /// <summary>The highest proposal any core reported as not confirmed in time.</summary>
    public Lsn TimedOut { get; private set; }

    /// <summary>Every message ever sent, for assertions.</summary>
    public List<PeerMessage> Sent { get; } = [];

    /// <summary>Return false to drop a message instead of delivering it.</summary>
    public Func<PeerMessage, bool> Network { get; set; } = _ => true;

    /// <summary>Nodes whose loop is stalled (applying a large entry, starved of CPU): they are not ticked, and what is sent to them waits in their inbox.</summary>
    private readonly Dictionary<NodeId, List<PeerMessage>> _stalled = [];

    public void Stall(string id) => _stalled[new NodeId(id)] = [];

    /// <summary>The stalled node runs again: a tick at the current time first (its loop's next round), then the messages that waited for it.</summary>
    public void EndStall(string id)
    {
        var node = this[id];
        _stalled.Remove(node.Id, out var waiting);
        node.Core!.Tick(NowMs);
        Process(node);
        InFlight.InsertRange(0, waiting!);
    }

    public CoreNode this[string id] => _nodes[new NodeId(id)];

    public SingleLeaderCore Core(string id) => this[id].Core!;

    /// <summary>Starts every node and lets the preferred leader win its election.</summary>
    public void StartAll()
    {
        foreach (var id in Members)
        {
            Start(id.Value);
        }
        DeliverAll();
    }

    /// <summary>Starts (or restarts) a node from what its "disk" holds.</summary>
    public void Start(string id)
    {
        var node = this[id];
        var cluster = new ClusterConfig(node.Id, Preferred, Members) { InitialAck = InitialAck, InitialFailover = Failover };
        var settings = node.SettingsAt(node.Log.Count, cluster);
        node.Core = new SingleLeaderCore(Options, cluster, new HardState(node.StoredEpoch, node.VotedFor), node.RestoreHistory(), settings, new Random(node.Id.Value.Sum(c => c * 31) + (1000 * node.Restarts++)), $"127.0.0.1:{id}");
        node.Core.Start(NowMs);
        node.Core.Tick(NowMs);
        Process(node);
    }

    /// <summary>
    /// DDIA ch. 5, "Leader failure": starts the cluster with n1 leading and a few shared writes,
    /// cuts n1 off, has it accept <paramref name="orphans"/> that reach nobody, and lets the others
    /// elect a successor; returns the successor (the network stays cut until the test heals it).
    /// </summary>
    public string IsolateLeaderWithOrphans(params string[] orphans)
    {
        StartAll();
        for (var i = 0; i < 5; i++)
        {
            Propose($"shared{i}");
        }
        Settle();
        Network = m => m.From.Value != "n1" && m.To.Value != "n1";
        foreach (var orphan in orphans)
        {
            Core("n1").Propose(PayloadKind.Logical, System.Text.Encoding.UTF8.GetBytes(orphan));
        }
        Settle(rounds: 40);
        var successor = Leader.Value;
        Invariant.That(successor != "n1", "the others elected a successor");
        return successor;
    }

    /// <summary>The follower installs a snapshot of the leader (as the host does when asked) and restarts on it.</summary>
    public void InstallSnapshot(string id)
    {
        this[id].InstallSnapshotOf(this[Leader.Value]);
        Crash(id);
        Start(id);
    }

    /// <summary>The node stops; its disk keeps only the first <paramref name="keepEntries"/> entries if given (a crash losing unsynced writes).</summary>
    public void Crash(string id, int? keepEntries = null)
    {
        var node = this[id];
        node.Core = null;
        if (keepEntries is { } keep)
        {
            node.Log.RemoveRange(keep, node.Log.Count - keep);
        }
        InFlight.RemoveAll(m => m.To == node.Id || m.From == node.Id);
    }

    /// <summary>Asks <paramref name="id"/>'s core for a linearizable read; the outcome lands in its <see cref="CoreNode.Reads"/> (at once, or as messages flow).</summary>
    public ReadRequestId RequestRead(string id)
    {
        var node = this[id];
        var read = new ReadRequestId(++node.NextRead);
        if (node.Core!.RequestRead(new ReadRequest(read)) is { } now)
        {
            node.Reads[read] = now;
        }
        Process(node);
        return read;
    }

    public ProposalId Propose(string payload)
    {
        var proposal = Core(Leader.Value).Propose(PayloadKind.Logical, System.Text.Encoding.UTF8.GetBytes(payload));
        Process(this[Leader.Value]);
        return proposal;
    }

    /// <summary>Delivers messages until the network is quiet (or a step limit is hit).</summary>
    public void DeliverAll(int stepsMax = 10_000)
    {
        for (var step = 0; step < stepsMax && InFlight.Count > 0; step++)
        {
            DeliverNext();
        }
    }

    public void DeliverNext()
    {
        var message = InFlight[0];
        InFlight.RemoveAt(0);
        var target = _nodes[message.To];
        if (target.Core is null || !Network(message))
        {
            return;
        }
        if (_stalled.TryGetValue(message.To, out var waiting))
        {
            waiting.Add(message);
            return;
        }
        target.Core.Step(message);
        Process(target);
    }

    /// <summary>The slow disk caught up: report the held appends of <paramref name="id"/>.</summary>
    public void ReleaseHeld(string id)
    {
        var node = this[id];
        node.HoldAppends = false;
        if (node.Held.Count > 0)
        {
            node.Core!.OnAppended(node.Held[^1], synced: node.SyncEveryAppend);
            node.Held.Clear();
        }
        Process(node);
    }

    public void Advance(long ms)
    {
        NowMs += ms;
        foreach (var node in _nodes.Values.Where(n => n.Core is not null && !_stalled.ContainsKey(n.Id)))
        {
            node.Core!.Tick(NowMs);
            Process(node);
        }
    }

    /// <summary>Advances time in heartbeat steps while delivering messages, until quiet.</summary>
    public void Settle(int rounds = 20)
    {
        for (var i = 0; i < rounds; i++)
        {
            DeliverAll();
            Advance(Options.HeartbeatIntervalMs);
        }
        DeliverAll();
    }

    private void Process(CoreNode node)
    {
        var core = node.Core!;
        while (core.HasReady)
        {
            var ready = core.TakeReady();
            foreach (var completion in ready.Completions.Where(c => c.Outcome is NotConfirmed))
            {
                TimedOut = Lsn.Max(TimedOut, completion.Through.Lsn);
            }
            if (ready.HardState is { } hardState)
            {
                node.StoredEpoch = hardState.Epoch;
                node.VotedFor = hardState.VotedFor;
            }
            foreach (var operation in ready.LogOperations)
            {
                Carry(node, operation);
            }
            node.SnapshotRequests += ready.SnapshotRequests.Count;
            node.ResyncMethods.AddRange(ready.SnapshotRequests.Select(r => r.Method));
            foreach (var read in ready.ReadCompletions)
            {
                node.Reads[read.Id] = read.Outcome;
            }
            foreach (var read in ready.LogReads)
            {
                var from = read.From;
                core.OnLogRead(read, [.. node.Log.Where(e => e.Lsn >= from && e.Lsn > node.LogBase.Lsn).Take(8)]);
            }
            foreach (var envelope in ready.Messages)
            {
                var message = PeerMessageCodec.Decode(envelope.Bytes);
                // Entries travel in the bulk lane, so heartbeats never queue behind a large one (issue 17).
                Assert.Equal(message is AppendEntries { EntryCount: > 0 } ? Chorus.Core.Messaging.MessageLane.Bulk : Chorus.Core.Messaging.MessageLane.Control, envelope.Lane);
                Sent.Add(message);
                InFlight.Add(message);
            }
        }
    }

    private static void Carry(CoreNode node, LogOperation operation)
    {
        var core = node.Core!;
        switch (operation)
        {
            case AppendOperation append:
                foreach (var entry in append.Entries)
                {
                    Invariant.That(entry.Lsn.Value == (ulong)node.Log.Count + 1, "the test disk is contiguous");
                    node.Log.Add(entry);
                }
                if (node.HoldAppends)
                {
                    node.Held.Add(append.Entries[^1].Lsn);
                    break;
                }
                core.OnAppended(append.Entries[^1].Lsn, synced: append.Sync || node.SyncEveryAppend);
                break;
            case RetireOperation retire:
                node.LogBase = new LogPosition(node.Log[(int)retire.Through.Value - 1].Epoch, retire.Through);
                break;
            case TruncateOperation truncate:
                node.RolledBack.AddRange(node.Log.Skip((int)truncate.KeepThrough.Value));
                node.Log.RemoveRange((int)truncate.KeepThrough.Value, node.Log.Count - (int)truncate.KeepThrough.Value);
                core.OnTruncated(truncate.KeepThrough, node.ConfigAt(node.Log.Count));
                break;
        }
    }
}

/// <summary>One node of a <see cref="CoreCluster"/>: its core (null while down) and its "disk".</summary>
internal sealed class CoreNode(NodeId id)
{
    public NodeId Id { get; } = id;

    public SingleLeaderCore? Core { get; set; }

    public List<LogEntry> Log { get; } = [];

    public List<LogEntry> RolledBack { get; } = [];

    public Epoch StoredEpoch { get; set; }

    public NodeId? VotedFor { get; set; }

    public int Restarts { get; set; }

    /// <summary>Report appends as fsynced (fsync=always); otherwise only <see cref="Core"/>.OnFlushed does.</summary>
    public bool SyncEveryAppend { get; set; } = true;

    /// <summary>Store entries but do not report them appended yet (a slow disk); see <see cref="Held"/>.</summary>
    public bool HoldAppends { get; set; }

    public List<Lsn> Held { get; } = [];

    /// <summary>The latest settings entry among the first <paramref name="count"/> entries, if any.</summary>
    public ConfigEntry? ConfigAt(int count)
    {
        for (var i = Math.Min(count, Log.Count) - 1; i >= 0; i--)
        {
            if (Log[i].Kind == PayloadKind.ClusterConfig)
            {
                return new ConfigEntry(Log[i].Lsn, Log[i].Payload);
            }
        }
        return null;
    }

    /// <summary>The latest settings among the first <paramref name="count"/> entries, or the bootstrap ones.</summary>
    public (ClusterSettings Settings, Lsn At) SettingsAt(int count, ClusterConfig cluster)
    {
        for (var i = Math.Min(count, Log.Count) - 1; i >= 0; i--)
        {
            if (Log[i].Kind == PayloadKind.ClusterConfig)
            {
                return (ClusterSettings.Decode(Log[i].Payload.Span), Log[i].Lsn);
            }
        }
        return (cluster.BootstrapSettings(), Lsn.Zero);
    }

    public IEnumerable<string> Payloads => Log.Where(e => e.Kind == PayloadKind.Logical).Select(e => System.Text.Encoding.UTF8.GetString(e.Payload.Span));

    /// <summary>The position the log starts after (entries up to it were retired or came in a snapshot).</summary>
    public LogPosition LogBase { get; set; }

    public int SnapshotRequests { get; set; }

    /// <summary>How each snapshot request asked to resync (a whole snapshot or a Merkle diff).</summary>
    public List<FollowerResync> ResyncMethods { get; } = [];

    /// <summary>Read requests this node's core answered, by request id.</summary>
    public Dictionary<ReadRequestId, ReadOutcome> Reads { get; } = [];

    public ulong NextRead { get; set; }

    public EpochHistory RestoreHistory()
    {
        var history = new EpochHistory(LogBase, LogBase);
        foreach (var entry in Log.Where(e => e.Lsn > LogBase.Lsn))
        {
            history.Append(entry.Position);
        }
        return history;
    }

    /// <summary>What installing a checkpoint of <paramref name="source"/> does to this node's disk.</summary>
    public void InstallSnapshotOf(CoreNode source)
    {
        Log.Clear();
        Log.AddRange(source.Log);
        LogBase = source.LogBase;
        StoredEpoch = source.StoredEpoch;
    }
}

/// <summary>The messages of a Ready, decoded as their receiver decodes them.</summary>
internal static class ReadyMessages
{
    public static IEnumerable<PeerMessage> Decoded(this Ready ready) => ready.Messages.Select(m => PeerMessageCodec.Decode(m.Bytes));
}
