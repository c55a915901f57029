using Chorus.Core;
using Chorus.Replication.Progress;
using Chorus.Core.Log;
using Chorus.Replication.Log;
using Chorus.Replication.Messages;
using Chorus.Replication.Quorum;

namespace Chorus.Replication.SingleLeader;

/// <summary>
/// The leader's log stream to each follower (etcd raft's progress and flow control): where a
/// subscriber starts (stream from the common point, truncate a divergent suffix, or load a
/// snapshot), what it has confirmed, how many bytes may be in flight to it, resends when sent
/// entries go unacknowledged, and heartbeats.
/// </summary>
internal sealed class LogShipping(ILeaderHost core, ReadIndex reads, AckWindow acks)
{
    private readonly Dictionary<NodeId, Queue<(Lsn Last, long Bytes)>> _inflight = [];

    /// <summary>
    /// The last batch encoded, with the entries it holds: followers that are sent the same
    /// entries from the cache share one encoding. A 31 MiB overwrite is a 62 MiB entry, and
    /// encoding it once more per follower cost the leader's loop 150–500 ms each on a loaded
    /// two-core machine. Compared by reference: entries are immutable, and a truncated LSN comes
    /// back as a new object.
    /// </summary>
    private (LogEntry First, LogEntry Last, int Count, byte[] Bytes)? _lastBatch;

    /// <summary>A follower joined the settings: it gets its own inflight window.</summary>
    public void Track(NodeId id) => _inflight[id] = new Queue<(Lsn, long)>();

    /// <summary>A follower left the settings.</summary>
    public void Forget(NodeId id) => _inflight.Remove(id);

    /// <summary>A tick for one follower: a silent one is probed, a stalled stream resent, a quiet link heartbeated.</summary>
    public void Tick(FollowerProgress follower)
    {
        if (follower.State != FollowerState.Probing && IsSilent(follower))
        {
            // Gone quiet for longer than a follower would ever wait to resubscribe: treat it
            // as disconnected until it subscribes again.
            follower.State = FollowerState.Probing;
            RewindTo(follower, follower.Match.Next);
        }
        if (follower.State == FollowerState.Replicating && IsStalled(follower))
        {
            // Sent entries were not acknowledged in time: assume they were lost and resend.
            RewindTo(follower, follower.Match.Next);
        }
        if (follower.State == FollowerState.Replicating)
        {
            SendEntries(follower);
        }
        if (core.NowMs - follower.LastSentAtMs >= core.Options.HeartbeatIntervalMs || follower.LastSentAtMs < 0)
        {
            SendHeartbeat(follower);
            if (follower.State == FollowerState.NeedsSnapshot)
            {
                Send(follower, new InstallSnapshot(core.Self, follower.Id, core.Epoch, follower.SnapshotRequestedAt, core.Options.FollowerResync));
            }
        }
    }

    public void RequireSnapshot(FollowerProgress follower, LogPosition followerLast)
    {
        follower.State = FollowerState.NeedsSnapshot;
        follower.SnapshotRequestedAt = followerLast;
        Send(follower, new InstallSnapshot(core.Self, follower.Id, core.Epoch, followerLast, core.Options.FollowerResync));
    }

    public void OnSubscribe(FollowerProgress follower, Subscribe subscribe)
    {
        follower.ClientEndpoint = subscribe.ClientEndpoint;
        var theirs = EpochHistory.Restore(subscribe.Base, subscribe.Last, subscribe.Epochs);
        var common = core.History.CommonPoint(theirs);
        var newNode = subscribe.Last.Lsn == Lsn.Zero && core.History.Last.Lsn.DistanceFrom(core.History.Base.Lsn) > (ulong)core.Options.SnapshotNewNodeEntriesMin;
        // A diverged follower truncates first, even when it will then need a snapshot: the
        // truncation is what puts the entries only it had into its rollback file; a snapshot
        // would replace them silently. It cannot truncate below its own base (those entries are
        // applied and gone from its log), so that is as far as it goes.
        if (common is { } point && Lsn.Max(point, subscribe.Base.Lsn) < subscribe.Last.Lsn)
        {
            var keepThrough = Lsn.Max(point, subscribe.Base.Lsn);
            core.Notice($"{follower.Id} subscribed at {subscribe.Last}; it diverged after LSN {point}: it truncates after LSN {keepThrough}");
            follower.State = FollowerState.Truncating;
            Send(follower, new TruncateLog(core.Self, follower.Id, core.Epoch, keepThrough));
            return;
        }
        if (common is null || common.Value < core.History.Base.Lsn || newNode)
        {
            core.Notice($"{follower.Id} subscribed at {subscribe.Last} but this log starts after {core.History.Base}: it gets a snapshot");
            RequireSnapshot(follower, subscribe.Last);
            return;
        }
        if (follower.State != FollowerState.Replicating)
        {
            core.Notice($"{follower.Id} subscribed at {subscribe.Last}: streaming from LSN {common.Value.Next}");
        }
        follower.State = FollowerState.Replicating;
        follower.SnapshotLsn = Lsn.Zero;
        follower.Match = common.Value;
        follower.Received = Lsn.Max(follower.Received, common.Value);
        follower.Flushed = Lsn.Min(subscribe.Flushed, common.Value);
        follower.SubscribedFrom = common.Value.Next;
        RewindTo(follower, common.Value.Next);
        SendEntries(follower);
    }

    public void OnAppendResponse(FollowerProgress follower, AppendResponse response)
    {
        if (core.History.EpochAt(response.Last.Lsn) != response.Last.Epoch)
        {
            return;
        }
        if (follower.State == FollowerState.Probing)
        {
            // The follower answered a probe from a position our log holds: stream from there
            // (its subscription may have been lost on the way).
            core.Notice($"{follower.Id} answered at {response.Last}: streaming from LSN {response.Last.Lsn.Next}");
            follower.State = FollowerState.Replicating;
            follower.Match = response.Last.Lsn;
            RewindTo(follower, response.Last.Lsn.Next);
        }
        if (follower.State != FollowerState.Replicating)
        {
            return;
        }
        var confirmedBefore = follower.ConfirmedAt(core.Settings.Ack.Level);
        if (response.Last.Lsn > follower.Match)
        {
            follower.Match = response.Last.Lsn;
            follower.LastProgressAtMs = core.NowMs;
            var inflight = _inflight[follower.Id];
            while (inflight.Count > 0 && inflight.Peek().Last <= follower.Match)
            {
                follower.InflightBytes -= inflight.Dequeue().Bytes;
            }
        }
        // What a follower received or flushed beyond what it applied is only trusted up to our log's end.
        follower.Received = Lsn.Max(follower.Received, Lsn.Max(follower.Match, Lsn.Min(response.Received, core.History.Last.Lsn)));
        follower.Flushed = Lsn.Max(follower.Flushed, Lsn.Min(response.Flushed, follower.Match));
        if (follower.Next <= follower.Match)
        {
            follower.Next = follower.Match.Next;
        }
        acks.ObserveConfirmation(follower, confirmedBefore);
        SendEntries(follower);
    }

    /// <summary>Sends what the follower lacks, within the inflight limit, from the cache or via a log read.</summary>
    public void SendEntries(FollowerProgress follower)
    {
        var options = core.Options;
        while (follower.Next <= core.History.Last.Lsn && follower.InflightBytes < options.InflightBytesMax && !follower.ReadPending)
        {
            var entries = new List<LogEntry>();
            if (!core.Cache.TryCopyRange(follower.Next, options.BatchBytesMax, entries))
            {
                follower.ReadPending = true;
                core.RequestLogRead(new LogReadRequest(follower.Id, follower.Next, options.BatchBytesMax));
                return;
            }
            Ship(follower, entries);
        }
    }

    public void Ship(FollowerProgress follower, IReadOnlyList<LogEntry> entries)
    {
        Invariant.That(entries[0].Lsn == follower.Next, "entries are shipped contiguously");
        var batch = EncodeShared(entries);
        var prev = core.PositionOf(follower.Next.Previous);
        Send(follower, new AppendEntries(core.Self, follower.Id, core.Epoch, prev, batch, entries.Count, core.History.Last.Lsn, core.Clock.Last, core.ClientEndpoint, RequiredAck, core.CommitLsn, reads.Round, follower.StampMs));
        follower.Next = entries[^1].Lsn.Next;
        follower.LastProgressAtMs = core.NowMs;
        follower.InflightBytes += batch.Length;
        _inflight[follower.Id].Enqueue((entries[^1].Lsn, batch.Length));
    }

    private byte[] EncodeShared(IReadOnlyList<LogEntry> entries)
    {
        if (_lastBatch is { } last && last.Count == entries.Count && ReferenceEquals(last.First, entries[0]) && ReferenceEquals(last.Last, entries[^1]))
        {
            return last.Bytes;
        }
        var batch = LogEntryBatch.Encode(entries);
        _lastBatch = (entries[0], entries[^1], entries.Count, batch);
        return batch;
    }

    /// <summary>The level followers must confirm at, or null when the leader does not wait for them.</summary>
    private AckLevel? RequiredAck => core.Settings.Ack.WaitsForFollowers ? core.Settings.Ack.Level : null;

    /// <summary>An empty AppendEntries: "I am your leader"; it also tells a follower where we believe it is.</summary>
    public void SendHeartbeat(FollowerProgress follower)
    {
        var prev = follower.State == FollowerState.Replicating ? core.PositionOf(follower.Match) : core.History.Last;
        Send(follower, new AppendEntries(core.Self, follower.Id, core.Epoch, prev, ReadOnlyMemory<byte>.Empty, 0, core.History.Last.Lsn, core.Clock.Last, core.ClientEndpoint, RequiredAck, core.CommitLsn, reads.Round, follower.StampMs));
    }

    public void Send(FollowerProgress follower, PeerMessage message)
    {
        follower.LastSentAtMs = core.NowMs;
        core.Send(message);
    }

    /// <remarks>
    /// A follower heard in the leader's last round is not silent, however long that round was: after
    /// a round of seconds (storing a 62 MiB entry) every follower looked silent, and each was
    /// rewound and sent the large entry again.
    /// </remarks>
    private bool IsSilent(FollowerProgress follower) =>
        follower.LastHeardAtMs >= 0 && core.NowMs - follower.LastHeardAtMs > core.Options.ResubscribeAfterMs * 2
        && !core.Lease.HeardSincePreviousTick(follower.LastHeardAtMs);

    private bool IsStalled(FollowerProgress follower) =>
        follower.Next.Previous > follower.Match
        && core.NowMs - follower.LastProgressAtMs >= core.Options.RetransmitAfterMs + LargeInflightAllowanceMs(follower.InflightBytes);

    /// <summary>Bytes in flight beyond which a follower is given more time before a resend.</summary>
    public const long LargeInflightBytes = 1 << 20;

    /// <summary>The rate below which a follower's silence about a large batch counts as a loss rather than work.</summary>
    public const long LargeInflightBytesPerSecond = 4 << 20;

    /// <summary>
    /// A follower needs time to receive and store a large batch before it can acknowledge it: a
    /// 62 MiB entry took a loaded follower 3–9 s to apply. Resending it after a plain
    /// RetransmitAfterMs re-encoded and re-queued 62 MiB every second behind the copy still on its
    /// way (the leader's tick took 1–2 s doing so), so batches beyond 1 MiB get a second for every
    /// 4 MiB beyond it (15 s for the largest entry). Small batches resend as before.
    /// </summary>
    private static long LargeInflightAllowanceMs(long inflightBytes) =>
        Math.Max(0, inflightBytes - LargeInflightBytes) * 1000 / LargeInflightBytesPerSecond;

    private void RewindTo(FollowerProgress follower, Lsn next)
    {
        follower.Next = next;
        follower.InflightBytes = 0;
        follower.ReadPending = false;
        _inflight[follower.Id].Clear();
    }
}
