using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Replication.Messages;
using Chorus.Replication.Quorum;

namespace Chorus.Replication.SingleLeader;

/// <summary>
/// The follower's side: subscribe from where the local log ends, append what the leader sends
/// strictly in LSN order, acknowledge, and roll back a divergent suffix when told to.
/// </summary>
internal sealed class FollowerRole
{
    private readonly IFollowerHost core;
    private long _lastSubscribeAtMs = long.MinValue;
    private bool _awaitingTruncation;
    private AckLevel? _requiredAck;
    private ulong _readRound;
    private Epoch _readRoundEpoch;

    public FollowerRole(IFollowerHost core)
    {
        this.core = core;
        Reads = new FollowerReads(core);
        Probe = new FreshnessProbe(core);
    }

    public LeaderLink Link { get; } = new();

    /// <summary>How current this follower's state is (bounded staleness reads).</summary>
    public Freshness Freshness { get; } = new();

    /// <summary>Linearizable reads served here through a read index from the leader.</summary>
    public FollowerReads Reads { get; }

    /// <summary>Asks the leader for an immediate echo when a bounded read waits (<see cref="FreshnessProbe"/>).</summary>
    public FreshnessProbe Probe { get; }

    /// <summary>Starts knowing no leader; the first leader heard from gets a subscription from here.</summary>
    public void Start() => Link.ResumedFrom = core.History.Last.Lsn.Next;

    /// <summary>A (new) leader is known: subscribe to it from where our log ends.</summary>
    public void OnLeaderKnown()
    {
        _awaitingTruncation = false;
        _readRound = 0; // rounds are numbered per leader
        Freshness.Forget();
        Probe.Forget();
        Subscribe(force: true);
    }

    /// <summary>A message from the current leader (the core checked the epoch and the sender).</summary>
    public void Step(PeerMessage message)
    {
        Link.IsUp = true;
        Link.LastHeardAtMs = core.NowMs;
        switch (message)
        {
            case AppendEntries append:
                OnAppendEntries(append);
                break;
            case TruncateLog truncate:
                OnTruncateLog(truncate);
                break;
            case InstallSnapshot install when install.FollowerLast == core.History.Last:
                // Repeated while the snapshot is not installed; the host starts one download at a time.
                Link.SnapshotRequested = true;
                core.RequestSnapshot(new SnapshotRequest(install.From, install.Method));
                break;
            case InstallSnapshot:
                Subscribe(force: false); // about an older state of our log: tell the leader where we are now
                break;
        }
    }

    public void Tick()
    {
        Reads.ExpireDue();
        if (core.Leader is null)
        {
            Link.IsUp = false;
            return;
        }
        if (Link.LastHeardAtMs < 0 || core.NowMs - Link.LastHeardAtMs >= core.Options.ResubscribeAfterMs)
        {
            Link.IsUp = false;
            if (core.NowMs - _lastSubscribeAtMs >= core.Options.ResubscribeAfterMs)
            {
                Subscribe(force: true);
            }
        }
    }

    public void OnAppended()
    {
        Acknowledge();
        Freshness.Appended(core.Appended);
        Reads.TryComplete();
    }

    public void OnFlushed() => Acknowledge();

    public void OnTruncated()
    {
        _awaitingTruncation = false;
        Freshness.Forget();
        Reads.TryComplete();
        Link.Truncations++;
        Subscribe(force: true);
    }

    public void OnPeerConnected(NodeId peer)
    {
        if (peer == core.Leader)
        {
            Subscribe(force: true);
        }
    }

    private void OnAppendEntries(AppendEntries append)
    {
        Link.LeaderLastLsn = append.LeaderLastLsn;
        Link.LeaderClientEndpoint = append.LeaderClientEndpoint;
        Link.LeaderTime = append.LeaderTime;
        core.Clock.Observe(append.LeaderTime);
        if (_awaitingTruncation || core.History.EpochAt(append.Prev.Lsn) != append.Prev.Epoch)
        {
            // A gap (we missed messages) or a different history: the leader must re-plan.
            Subscribe(force: false);
            return;
        }
        _requiredAck = append.RequiredAck;
        if (append.Epoch != _readRoundEpoch)
        {
            // Rounds are numbered per leadership: an echo of an older one's round would vouch for
            // this leader without having heard from it since its round began.
            _readRoundEpoch = append.Epoch;
            _readRound = 0;
        }
        _readRound = Math.Max(_readRound, append.ReadRound);
        if (append.EchoedStampMs >= core.Elapsed.StartedAtMs && append.EchoedStampMs <= core.Elapsed.NowMs)
        {
            // The leader sent this after receiving our stamp; an echo outside this run's stamps
            // (or none: a leader that predates stamps) dates nothing.
            Freshness.Announced(append.EchoedStampMs, append.LeaderLastLsn, core.Appended);
            Probe.OnEcho(append.EchoedStampMs);
        }
        var entries = LogEntryBatch.Decode(append.Entries, append.EntryCount);
        List<LogEntry>? fresh = null; // the decoded list itself while no entry is a duplicate (catch-up decodes ~1M a second)
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            if (entry.Lsn <= core.History.Last.Lsn)
            {
                if (core.History.EpochAt(entry.Lsn) != entry.Epoch)
                {
                    Subscribe(force: false);
                    return;
                }
                fresh ??= entries.GetRange(0, i);
                continue; // a duplicate of what we already hold
            }
            fresh?.Add(entry);
        }
        fresh ??= entries;
        if (fresh.Count > 0)
        {
            // A leader waiting for flushed confirmations gets them only after an fsync; one
            // waiting for received ones hears back at once, before anything is written.
            core.QueueAppend(fresh, proposed: false, sync: _requiredAck == AckLevel.Flushed);
            LearnCommit(append);
            if (_requiredAck == AckLevel.Received)
            {
                Acknowledge();
            }
            return; // acknowledged (again) once appended
        }
        LearnCommit(append);
        if (core.History.Last.Epoch != append.Epoch && core.History.Last.Lsn > append.Prev.Lsn)
        {
            // We hold entries after Prev from an older epoch that the leader never mentioned.
            Subscribe(force: false);
            return;
        }
        Acknowledge();
    }

    /// <summary>
    /// The message proved our log agrees with the leader's through its last entry (each one was
    /// held already with the same epoch, or appended after Prev): that far, the leader's commit
    /// point is ours too (Raft's min(leaderCommit, index of last new entry)).
    /// </summary>
    private void LearnCommit(AppendEntries append)
    {
        var agreedThrough = new Lsn(append.Prev.Lsn.Value + (ulong)append.EntryCount);
        core.AdvanceCommitTo(Lsn.Min(append.LeaderCommit, agreedThrough));
    }

    private void OnTruncateLog(TruncateLog truncate)
    {
        if (truncate.KeepThrough >= core.History.Last.Lsn)
        {
            Subscribe(force: true);
            return;
        }
        _awaitingTruncation = true;
        core.QueueTruncate(truncate.KeepThrough);
    }

    private void Acknowledge()
    {
        if (_awaitingTruncation)
        {
            return;
        }
        if (core.Leader is { } leader)
        {
            core.Send(new AppendResponse(core.Self, leader, core.Epoch, core.PositionOf(core.Appended), core.Flushed, core.History.Last.Lsn, _readRound, core.Elapsed.NowMs));
        }
    }

    private void Subscribe(bool force)
    {
        if (!force && core.NowMs - _lastSubscribeAtMs < core.Options.HeartbeatIntervalMs)
        {
            return;
        }
        _lastSubscribeAtMs = core.NowMs;
        var history = core.History;
        Link.Subscriptions++;
        if (core.Leader is { } leader)
        {
            core.Send(new Subscribe(core.Self, leader, core.Epoch, history.Base, history.Last, [.. history.Epochs], core.Flushed, core.ClientEndpoint));
        }
    }
}
