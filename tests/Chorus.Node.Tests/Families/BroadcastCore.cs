using System.Buffers.Binary;
using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Core.Messaging;
using Chorus.Replication;
using Chorus.Replication.Log;
using Chorus.Replication.Membership;
using Chorus.Replication.Quorum;

namespace Chorus.Node.Tests.Families;

/// <summary>
/// A toy second replication family, test-only: every node takes writes, appends them to its own
/// log, acknowledges them once stored, and tells its peers "I stored LSN n" in its own message
/// family. It replicates no data — it exists to prove that a core other than single-leader
/// runs through the unchanged node shell: the contract, the Ready effects, the loop round.
/// </summary>
internal sealed class BroadcastCore(NodeId self, IReadOnlyList<NodeId> peers, EpochHistory history) : IReplicationCore
{
    public static readonly MessageFamily Tag = new(200);

    private readonly HybridLogicalClock _clock = new();
    private Ready _pending = new();
    private long _nowMs;

    public NodeId Self => self;

    public MessageFamily Family => Tag;

    /// <summary>"Stored" announcements heard from peers: (peer, LSN).</summary>
    public List<(NodeId Peer, Lsn Lsn)> Heard { get; } = [];

    public Lsn Stored { get; private set; } = history.Last.Lsn;

    public Admission Admission => Admission.Accept;

    public ProposalId LastProposed => IdOf(history.Last.Lsn);

    public bool HasReady => !_pending.IsEmpty;

    public int StatusFingerprint => HashCode.Combine(Stored);

    public void Start(long nowMs) => _nowMs = nowMs;

    public void Tick(long nowMs) => _nowMs = Math.Max(_nowMs, nowMs);

    public void Step(Envelope message)
    {
        if (message.Bytes.Length != sizeof(ulong))
        {
            _pending.Notices.Add(new LogNotice($"refused a malformed broadcast from {message.From}", Warning: true));
            return;
        }
        Heard.Add((message.From, new Lsn(BinaryPrimitives.ReadUInt64BigEndian(message.Bytes.Span))));
    }

    public ProposalId Propose(PayloadKind kind, ReadOnlySpan<byte> payload)
    {
        var entry = LogEntry.Create(new LogPosition(new Epoch(1), history.Last.Lsn.Next), _clock.Now(_nowMs), self, kind, payload);
        history.Append(entry.Position);
        _pending.LogOperations.Add(new AppendOperation([entry], Proposed: true));
        return IdOf(entry.Lsn);
    }

    public Ready TakeReady()
    {
        var ready = _pending;
        _pending = new Ready();
        return ready;
    }

    /// <summary>Stored locally: acknowledged, and announced to every peer.</summary>
    public void OnAppended(Lsn lsn, bool synced)
    {
        Stored = lsn;
        _pending.Completions.Add(new ProposalCompletion(IdOf(lsn), Committed.Instance));
        var bytes = new byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, lsn.Value);
        foreach (var peer in peers.Where(p => p != self))
        {
            _pending.Messages.Add(new Envelope(self, peer, Tag, bytes));
        }
    }

    public void OnFlushed(Lsn lsn)
    {
    }

    public void OnTruncated(Lsn keepThrough, ConfigEntry? config)
    {
    }

    public void OnLogRead(LogReadRequest request, IReadOnlyList<LogEntry> entries)
    {
    }

    public void OnPeerConnected(NodeId peer)
    {
    }

    public void OnSnapshotTaken(NodeId requester, LogPosition position)
    {
    }

    public void ConsiderRetention(RetentionOptions options, LogStats stats)
    {
    }

    public int ReplicasHolding(Lsn lsn) => Heard.Select(h => h.Peer).Distinct().Count();

    public NodeStatus Describe() =>
        new(self, NodeRole.Leader, self, new Epoch(1), history.Last, Stored, _nowMs, [], null, new ClusterSettings([], AckPolicy.Default), Stored, null, Lsn.Zero,
            new ElectionStatus(null, 0, 0, null, "no-failover", null))
        {
            Admission = Admission,
            Fingerprint = StatusFingerprint,
        };

    private static ProposalId IdOf(Lsn lsn) => new(lsn.Value, lsn);
}

/// <summary>Makes <see cref="BroadcastCore"/>s for a fixed set of nodes.</summary>
internal sealed class BroadcastFamily(IReadOnlyList<NodeId> members) : IReplicationFamily
{
    public MessageFamily Family => BroadcastCore.Tag;

    public IReplicationCore Create(CoreStart start) => new BroadcastCore(start.Self, members, start.History);
}
