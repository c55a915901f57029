using Chorus.Core;
using Chorus.Core.Requests;
using Chorus.Core.Versions;
using Chorus.Replication.Leaderless.Messages;
using Set = Chorus.Core.Versions.DottedVersionVectorSet<Chorus.Core.Versions.VersionedValue>;

namespace Chorus.Replication.Leaderless;

/// <summary>
/// Writes (DDIA ch. 5, "Writing to the database when a node is down"): the coordinator — always a
/// home replica of the key, so the dot it mints is fresh — stores the new versions itself, sends
/// them to the other replicas of the key's preference list (stand-ins with a hint under a sloppy
/// quorum), and answers once W of them confirmed. Unanswered replicas are sent the write again
/// until the request's deadline; a home replica that never confirmed gets a hint kept here, so it
/// receives the write when it returns. A node that is not a home replica hands the write to one
/// that is (<see cref="Coordinate"/>). A write that misses its quorum is not undone: it stays on
/// the replicas that stored it (one of the limits of quorums).
/// </summary>
internal sealed class WriteCoordinator(LeaderlessContext context, VersionStore store, HintStore hints, TombstoneReaper reaper, Action<ProposalId, ProposalOutcome> complete)
{
    private readonly Dictionary<ulong, WriteState> _writes = [];
    private readonly Dictionary<ulong, Forwarded> _forwarded = [];
    private readonly HashSet<(NodeId, ulong)> _coordinatingFor = [];

    /// <summary>
    /// Handed-over writes this node finished, by forwarder and request id, with when to forget
    /// them. A network may deliver a <see cref="Coordinate"/> twice; a copy arriving after the
    /// first finished must not run the write again: a SET's context is the coordinator's at the
    /// time, so the rerun would replace every write acknowledged since (found by
    /// `chorus sim-leaderless-faults`, seed 13: a duplicate arriving 12 ms late overwrote two later
    /// acknowledged writes with the older value). Kept for 3 × RequestTimeoutMs, twice as long as
    /// a forwarder waits for the answer.
    /// </summary>
    private readonly Dictionary<(NodeId, ulong), long> _finishedFor = [];
    private QuorumAdmission<KeyWrite>? _admission;
    private int _unanswered;

    public int InFlight => _writes.Count + _forwarded.Count;

    /// <summary>Hand-overs being coordinated plus those finished within the duplicate window: 0 once the node is idle that long.</summary>
    public int HandOversRemembered => _coordinatingFor.Count + _finishedFor.Count;

    /// <summary>Writes that hold a slot: not answered yet (an answered write may stay a while for its remaining replicas, but no longer holds one).</summary>
    private int Busy => _unanswered + _forwarded.Count;

    /// <summary>Client writes waiting for a slot (<see cref="LeaderlessSettings.WritesInFlightMax"/>).</summary>
    public int Waiting => _admission?.Waiting ?? 0;

    /// <summary>
    /// A client's write at this node (the contact node): at most
    /// <see cref="LeaderlessSettings.WritesInFlightMax"/> are in flight at once, the rest wait in
    /// arrival order (<see cref="QuorumAdmission{T}"/>).
    /// </summary>
    public void Start(ProposalId proposal, KeyWrite write)
    {
        if (Admission.Admit(proposal, write, context.Self) is { } refused)
        {
            context.Counters.WritesFailed++;
            complete(proposal, refused);
        }
    }

    private QuorumAdmission<KeyWrite> Admission => _admission ??= new("writes", context.Settings.WritesInFlightMax, context.Settings.WritesWaitingMax, () => Busy, Begin);

    private void StartWaiting() => Admission.StartWaiting();

    private void Begin(ProposalId proposal, KeyWrite write)
    {
        if (Quorum(write.Quorum, out var n, out var w) is { } refusal)
        {
            complete(proposal, refusal);
            return;
        }
        var hash = KeyHash.Of(write.Key);
        var homes = context.Homes(hash, n);
        // A time to live counts from the node the client wrote to; from here on the expiry is absolute.
        var expiresAtMs = write.Value is null ? 0 : write.Expiry.AbsoluteMs(context.NowMs);
        if (homes.Contains(context.Self))
        {
            Coordinate(new WriteState(write.Key, hash, n, w) { Proposal = proposal }, write.Value, write.Context, expiresAtMs);
            return;
        }
        if (homes.FirstOrDefault(context.IsUp) is not { IsEmpty: false } coordinator)
        {
            context.Counters.WritesFailed++;
            complete(proposal, new NoCoordinator(homes));
            return;
        }
        var id = context.NextRequestId();
        var waitMs = context.Settings.RequestTimeoutMs * 3 / 2;
        _forwarded[id] = new Forwarded(proposal, coordinator, context.NowMs, context.NowMs + waitMs);
        context.Counters.WritesForwarded++;
        context.Send(coordinator, new Coordinate(context.Config.Version, id, write.Key, write.Value, write.Context, n, w, expiresAtMs));
    }

    /// <summary>Another node handed this node a client's write to coordinate.</summary>
    public void OnCoordinate(NodeId from, Coordinate message)
    {
        if (_finishedFor.ContainsKey((from, message.RequestId)) || !_coordinatingFor.Add((from, message.RequestId)))
        {
            return; // a duplicate: the first one answers (or answered)
        }
        var hash = KeyHash.Of(message.Key);
        var quorum = new QuorumOverrides(message.N == 0 ? null : message.N, message.W == 0 ? null : message.W);
        if (Quorum(quorum, out var n, out var w) is RequestRefused refused)
        {
            RefuseHandOver(from, message.RequestId, refused.Reason);
            return;
        }
        if (!context.Homes(hash, n).Contains(context.Self))
        {
            RefuseHandOver(from, message.RequestId, $"{context.Self} is not a home replica of the key under ring version {context.Config.Version}; retry");
            return;
        }
        Coordinate(new WriteState(message.Key, hash, n, w) { ReplyTo = (from, message.RequestId) }, message.Value, message.Context, message.ExpiresAtMs);
    }

    /// <summary>The coordinator's answer to a write this node handed over.</summary>
    public void OnCoordinated(NodeId from, Coordinated message)
    {
        if (!_forwarded.Remove(message.RequestId, out var forwarded) || forwarded.Coordinator != from)
        {
            return;
        }
        ProposalOutcome outcome = message.Status switch
        {
            CoordinatedStatus.Acknowledged => new Answered(new KeyWritten(KeyVersions.Decode(message.Versions), message.WasLive)),
            CoordinatedStatus.QuorumNotReached => new QuorumNotReached(true, message.Required, message.Replied, message.Asked, message.WaitedMs),
            CoordinatedStatus.NoCoordinator => new NoCoordinator([from]),
            _ => new RequestRefused(message.Reason),
        };
        complete(forwarded.Proposal, outcome);
        StartWaiting();
    }

    public void OnStored(NodeId from, Stored stored)
    {
        if (stored.RingVersion > context.Config.Version)
        {
            // The replica stored it under a newer ring than this node knows: perhaps after it sent
            // its copy of the range to a node that gained it. Not counted; once this node adopts
            // that ring (gossip), the write goes to the new replicas too (RingChanged).
            return;
        }
        if (_writes.TryGetValue(stored.RequestId, out var write) && write.Targets.Any(t => t.Node == from) && write.Acked.Add(from))
        {
            AnswerIfReached(write);
            StartWaiting();
        }
    }

    /// <summary>Retries unanswered replicas; ends requests whose time is up (answering, and keeping hints for replicas that never confirmed).</summary>
    public void Tick()
    {
        foreach (var (id, write) in _writes.ToList())
        {
            if (write.Versions is null)
            {
                continue; // still being stored locally
            }
            if (context.NowMs >= write.DeadlineMs || write.Acked.Count == write.Targets.Count)
            {
                Finish(id, write);
            }
            else if (context.NowMs >= write.NextRetryMs)
            {
                write.NextRetryMs = context.NowMs + context.Settings.RetryIntervalMs;
                SendToUnacknowledged(id, write);
            }
        }
        foreach (var (id, forwarded) in _forwarded.Where(f => context.NowMs >= f.Value.DeadlineMs).ToList())
        {
            _forwarded.Remove(id);
            complete(forwarded.Proposal, new CoordinatorTimedOut(forwarded.Coordinator, context.NowMs - forwarded.StartedMs));
        }
        foreach (var finished in _finishedFor.Where(f => context.NowMs >= f.Value).Select(f => f.Key).ToList())
        {
            _finishedFor.Remove(finished);
        }
        StartWaiting();
    }

    /// <summary>
    /// The ring changed under writes in flight: each now needs its quorum in the new replica sets
    /// (joint with the old ones while the handover lasts), and goes to the replicas it has not
    /// reached yet — acknowledgements already counted stay counted.
    /// </summary>
    public void OnRingChanged()
    {
        foreach (var (id, write) in _writes)
        {
            Target(write);
            if (write.Versions is not null)
            {
                SendToUnacknowledged(id, write);
            }
        }
    }

    private void Target(WriteState write)
    {
        write.Targets = context.Targets(write.Hash, write.N, context.Settings.SloppyQuorum);
        write.HomeSets = context.HomeSets(write.Hash, write.N);
    }

    private void Coordinate(WriteState write, byte[]? value, VersionVector? clientContext, long expiresAtMs)
    {
        var id = context.NextRequestId();
        write.DeadlineMs = context.NowMs + context.Settings.RequestTimeoutMs;
        write.StartedMs = context.NowMs;
        Target(write);
        _writes[id] = write;
        _unanswered++;
        // Stamped once the key's stored versions are read (the store observes their timestamps
        // first), so a write is later by timestamp than every version its coordinator held.
        store.Change(write.Key, current => Update(current, clientContext ?? current.Context, new VersionedValue(value, context.Clock.Now(context.NowMs), value is null ? 0 : expiresAtMs)), (before, after) =>
        {
            write.Versions = after;
            write.WasLive = KeyVersions.IsLive(KeyVersions.Visible(before, context.NowMs));
            write.Acked.Add(context.Self);
            context.Counters.Writes++;
            write.NextRetryMs = context.NowMs + context.Settings.RetryIntervalMs;
            SendToUnacknowledged(id, write);
            AnswerIfReached(write);
        });
    }

    private Set Update(Set current, VersionVector clientContext, VersionedValue value) =>
        context.Settings.Versions == VersionScheme.Dotted || clientContext.Dominates(current.Context)
            ? current.Update(clientContext, value, context.Actor)
            // BROKEN plain vectors: the client did not see everything, so nothing is replaced.
            : current.Update(VersionVector.Empty, value, context.Actor);

    private void SendToUnacknowledged(ulong id, WriteState write)
    {
        var encoded = KeyVersions.Encode(write.Versions!);
        foreach (var target in write.Targets.Where(t => !write.Acked.Contains(t.Node)))
        {
            context.Send(target.Node, new Store(context.Config.Version, id, write.Key, encoded, target.HintFor));
        }
    }

    private void AnswerIfReached(WriteState write)
    {
        if (write.Answered || !LeaderlessContext.QuorumReached(write.HomeSets, write.W, write.Targets.Where(t => write.Acked.Contains(t.Node))))
        {
            return;
        }
        write.Answered = true;
        _unanswered--;
        if (write.Proposal is { } proposal)
        {
            complete(proposal, new Answered(new KeyWritten(write.Versions!, write.WasLive)));
        }
        else if (write.ReplyTo is { } replyTo)
        {
            Reply(replyTo.Node, replyTo.RequestId, CoordinatedStatus.Acknowledged, write.Versions!, write.WasLive, write.W, write.Acked.Count, write.Targets.Count, context.NowMs - write.StartedMs, "");
        }
    }

    /// <summary>
    /// Answers a hand-over this node will not coordinate. It counts as finished, like a write
    /// that ran: a duplicate is ignored for the same window, and the entry does not stay in
    /// <see cref="_coordinatingFor"/> for ever (it did, one per refusal, before).
    /// </summary>
    private void RefuseHandOver(NodeId from, ulong requestId, string reason)
    {
        Reply(from, requestId, CoordinatedStatus.Refused, KeyVersions.Empty, false, 0, 0, 0, 0, reason);
        HandOverFinished((from, requestId));
    }

    /// <summary>A hand-over is done: duplicates arriving within three request timeouts are ignored (a rerun would replace later writes).</summary>
    private void HandOverFinished((NodeId Node, ulong RequestId) handOver)
    {
        _coordinatingFor.Remove(handOver);
        _finishedFor[handOver] = context.NowMs + (3 * context.Settings.RequestTimeoutMs);
    }

    private void Finish(ulong id, WriteState write)
    {
        _writes.Remove(id);
        if (write.ReplyTo is { } replyTo)
        {
            HandOverFinished(replyTo);
        }
        if (!write.Answered)
        {
            _unanswered--;
            context.Counters.WritesFailed++;
            var waited = context.NowMs - write.StartedMs;
            if (write.Proposal is { } proposal)
            {
                complete(proposal, new QuorumNotReached(true, write.W, write.Acked.Count, write.Targets.Count, waited));
            }
            else if (write.ReplyTo is { } to)
            {
                Reply(to.Node, to.RequestId, CoordinatedStatus.QuorumNotReached, KeyVersions.Empty, false, write.W, write.Acked.Count, write.Targets.Count, waited, "");
            }
        }
        if (write.Versions is { } stored)
        {
            reaper.Consider(write.Key, write.N, stored, write.Targets.Where(t => t.HintFor is null && write.Acked.Contains(t.Node)).Select(t => t.Node));
        }
        if (!context.Settings.HintedHandoff)
        {
            return;
        }
        // Every home replica that holds the write neither itself nor through a stand-in that
        // confirmed gets a hint here — including homes no stand-in was found for (every other
        // node down), so a returning node always receives what it missed.
        var covered = write.Targets.Where(t => write.Acked.Contains(t.Node)).Select(t => t.HintFor ?? t.Node).ToHashSet();
        foreach (var home in write.HomeSets.SelectMany(set => set).Distinct().Where(h => h != context.Self && !covered.Contains(h)))
        {
            hints.Add(home, write.Key, write.Versions!, _ => { });
        }
    }

    private void Reply(NodeId to, ulong requestId, CoordinatedStatus status, Set versions, bool wasLive, int required, int replied, int asked, long waitedMs, string reason) =>
        context.Send(to, new Coordinated(context.Config.Version, requestId, status, KeyVersions.Encode(versions), wasLive, required, replied, asked, waitedMs, reason));

    /// <summary>The request's N and W, or why they cannot be served.</summary>
    private ProposalOutcome? Quorum(QuorumOverrides overrides, out int n, out int w)
    {
        n = overrides.N ?? context.Settings.N;
        w = overrides.W ?? Math.Min(context.Settings.W, n);
        return QuorumRules.Problem(n, w, "W", context.Settings.N) is { } problem ? new RequestRefused(problem) : null;
    }

    private sealed class WriteState(byte[] key, ulong hash, int n, int w)
    {
        public byte[] Key { get; } = key;
        public ulong Hash { get; } = hash;
        public int N { get; } = n;
        public int W { get; } = w;
        public ProposalId? Proposal { get; init; }
        public (NodeId Node, ulong RequestId)? ReplyTo { get; init; }
        public List<Replica> Targets { get; set; } = [];
        public IReadOnlyList<IReadOnlyList<NodeId>> HomeSets { get; set; } = [];
        public HashSet<NodeId> Acked { get; } = [];
        public Set? Versions { get; set; }
        public bool WasLive { get; set; }
        public bool Answered { get; set; }
        public long StartedMs { get; set; }
        public long DeadlineMs { get; set; }
        public long NextRetryMs { get; set; }
    }

    private sealed record Forwarded(ProposalId Proposal, NodeId Coordinator, long StartedMs, long DeadlineMs);
}

/// <summary>The rules every quorum size obeys, worded for clients.</summary>
internal static class QuorumRules
{
    public static string? Problem(int n, int quorum, string name, int clusterN)
    {
        if (n < 1 || quorum < 1)
        {
            return $"N and {name} must be at least 1 (N={n}, {name}={quorum})";
        }
        if (n > clusterN)
        {
            return $"N ({n}) is larger than the cluster's N ({clusterN}): only {clusterN} replicas hold each key";
        }
        return quorum > n ? $"{name} ({quorum}) is larger than N ({n})" : null;
    }
}
