using Chorus.Core;
using Chorus.Core.Requests;
using Chorus.Core.Versions;
using Chorus.Replication.Leaderless.Messages;
using Set = Chorus.Core.Versions.DottedVersionVectorSet<Chorus.Core.Versions.VersionedValue>;

namespace Chorus.Replication.Leaderless;

/// <summary>
/// Reads (DDIA ch. 5, "Reading from the database when a node is down"): any node coordinates. It
/// asks every replica of each key (the preference list, or the sloppy one), answers once R of
/// them replied — merging their versions, so concurrent writes come back as siblings — and keeps
/// listening until every replica answered or the request's time is up. Then <b>read repair</b>:
/// each home replica whose versions differ from the merge is sent the merge (after the reply, and
/// bounded: at most <see cref="LeaderlessSettings.ReadRepairsInFlightMax"/> repairs a round).
/// </summary>
internal sealed class ReadCoordinator(LeaderlessContext context, VersionStore store, HintStore hints, Action<ProposalId, ProposalOutcome> complete)
{
    private readonly Dictionary<ulong, ReadState> _reads = [];
    private QuorumAdmission<KeyRead>? _admission;
    private int _unanswered;

    public int InFlight => _reads.Count;

    /// <summary>Client reads waiting for a slot (<see cref="LeaderlessSettings.ReadsInFlightMax"/>).</summary>
    public int Waiting => _admission?.Waiting ?? 0;

    /// <summary>
    /// A client's read at this node (the contact node). As with writes, at most
    /// <see cref="LeaderlessSettings.ReadsInFlightMax"/> wait for their quorum at once; the rest
    /// wait in arrival order (<see cref="QuorumAdmission{T}"/>): a pipeline of 100,000 GETs would
    /// otherwise send every replica 100,000 fetches at once, and the reads at the back time out.
    /// </summary>
    public void Start(ProposalId proposal, KeyRead read)
    {
        if (Admission.Admit(proposal, read, context.Self) is { } refused)
        {
            context.Counters.ReadsFailed++;
            complete(proposal, refused);
        }
    }

    private QuorumAdmission<KeyRead> Admission => _admission ??= new("reads", context.Settings.ReadsInFlightMax, context.Settings.ReadsWaitingMax, () => _unanswered, Begin);

    private void StartWaiting() => Admission.StartWaiting();

    private void Begin(ProposalId proposal, KeyRead read)
    {
        var n = read.Quorum.N ?? context.Settings.N;
        var r = read.Quorum.R ?? Math.Min(context.Settings.R, n);
        if (QuorumRules.Problem(n, r, "R", context.Settings.N) is { } problem)
        {
            complete(proposal, new RequestRefused(problem));
            return;
        }
        var id = context.NextRequestId();
        var state = new ReadState(proposal, r, context.NowMs, context.NowMs + context.Settings.RequestTimeoutMs);
        foreach (var key in read.Keys)
        {
            var hash = KeyHash.Of(key);
            state.Keys.Add(new KeyState(key, context.Targets(hash, n, context.Settings.SloppyQuorum), context.HomeSets(hash, n)));
        }
        _reads[id] = state;
        _unanswered++;
        state.NextRetryMs = context.NowMs + context.Settings.RetryIntervalMs;
        Ask(id, state, everyone: true);
    }

    /// <summary>A replica's answer to a <see cref="Fetch"/>.</summary>
    public void OnFetched(NodeId from, Fetched fetched)
    {
        if (!_reads.TryGetValue(fetched.RequestId, out var state))
        {
            return;
        }
        var keys = state.Keys.Where(k => k.Targets.Any(t => t.Node == from)).ToList();
        if (keys.Count != fetched.Versions.Count)
        {
            context.Counters.RefusedMessages++;
            return;
        }
        for (var i = 0; i < keys.Count; i++)
        {
            keys[i].Replies.TryAdd(from, KeyVersions.Decode(fetched.Versions[i]));
        }
        Progress(fetched.RequestId, state);
    }

    public void Tick()
    {
        foreach (var (id, state) in _reads.ToList())
        {
            if (context.NowMs >= state.DeadlineMs)
            {
                Finish(id, state);
            }
            else if (context.NowMs >= state.NextRetryMs)
            {
                state.NextRetryMs = context.NowMs + context.Settings.RetryIntervalMs;
                Ask(id, state, everyone: false);
            }
        }
    }

    /// <summary>Sends a <see cref="Fetch"/> to each replica that has not answered (reading this node's own copy locally).</summary>
    private void Ask(ulong id, ReadState state, bool everyone)
    {
        var byNode = new Dictionary<NodeId, List<byte[]>>();
        foreach (var key in state.Keys)
        {
            foreach (var target in key.Targets.Where(t => !key.Replies.ContainsKey(t.Node)))
            {
                if (target.Node == context.Self)
                {
                    if (everyone)
                    {
                        ReadLocally(id, state, key, target);
                    }
                    continue;
                }
                if (!byNode.TryGetValue(target.Node, out var keys))
                {
                    byNode[target.Node] = keys = [];
                }
                keys.Add(key.Key);
            }
        }
        foreach (var (node, keys) in byNode)
        {
            // A Fetch lists every key of the request this node replicates, in order, so the answer maps back.
            var all = state.Keys.Where(k => k.Targets.Any(t => t.Node == node)).Select(k => k.Key).ToList();
            context.Send(node, new Fetch(context.Config.Version, id, all));
        }
    }

    private void ReadLocally(ulong id, ReadState state, KeyState key, Replica self) =>
        store.Read(key.Key, versions =>
        {
            key.Replies.TryAdd(context.Self, self.IsStandIn ? versions.Merge(hints.For(key.Key)) : versions);
            if (_reads.ContainsKey(id))
            {
                Progress(id, state);
            }
        });

    private void Progress(ulong id, ReadState state)
    {
        if (!state.Answered && state.Keys.All(k => k.QuorumReached(state.R)))
        {
            state.Answered = true;
            // Siblings past their expiry by this node's clock are shown as deletions; read repair
            // below still sends the versions themselves, expiry included.
            var merged = state.Keys.Select(k => KeyVersions.Visible(k.Merged(), context.NowMs)).ToList();
            context.Counters.Reads++;
            var siblings = merged.Max(s => (long)s.SiblingCount);
            context.Counters.SiblingsMax = Math.Max(context.Counters.SiblingsMax, siblings);
            if (siblings > 1)
            {
                context.Counters.ReadsWithSiblings++;
            }
            complete(state.Proposal, new Answered(new KeysRead(merged, context.NowMs)));
            _unanswered--;
            StartWaiting();
        }
        if (state.Keys.All(k => k.Replies.Count == k.Targets.Count))
        {
            Finish(id, state);
        }
    }

    private void Finish(ulong id, ReadState state)
    {
        _reads.Remove(id);
        if (!state.Answered)
        {
            context.Counters.ReadsFailed++;
            var replied = state.Keys.Min(k => k.Replies.Count);
            complete(state.Proposal, new QuorumNotReached(false, state.R, replied, state.Keys.Max(k => k.Targets.Count), context.NowMs - state.StartedMs));
            _unanswered--;
            StartWaiting();
        }
        if (context.Settings.ReadRepair)
        {
            foreach (var key in state.Keys)
            {
                Repair(key);
            }
        }
    }

    /// <summary>Read repair: every home replica that answered with other versions than the merge gets the merge.</summary>
    private void Repair(KeyState key)
    {
        if (key.Replies.Count < 2)
        {
            return;
        }
        var merged = key.Merged();
        byte[]? encoded = null;
        foreach (var target in key.Targets.Where(t => !t.IsStandIn))
        {
            if (!key.Replies.TryGetValue(target.Node, out var seen) || seen.SameVersionsAs(merged))
            {
                continue;
            }
            if (context.Counters.ReadRepairs - _repairsAtRound >= context.Settings.ReadRepairsInFlightMax)
            {
                context.Counters.ReadRepairsSkipped++;
                continue;
            }
            context.Counters.ReadRepairs++;
            if (target.Node == context.Self)
            {
                store.Merge(key.Key, merged, static (_, _) => { });
            }
            else
            {
                context.Send(target.Node, new Store(context.Config.Version, 0, key.Key, encoded ??= KeyVersions.Encode(merged), null));
            }
        }
    }

    private long _repairsAtRound;

    /// <summary>A new loop round: the read-repair budget starts afresh.</summary>
    public void NewRound() => _repairsAtRound = context.Counters.ReadRepairs;

    private sealed class ReadState(ProposalId proposal, int r, long startedMs, long deadlineMs)
    {
        public ProposalId Proposal { get; } = proposal;
        public int R { get; } = r;
        public long StartedMs { get; } = startedMs;
        public long DeadlineMs { get; } = deadlineMs;
        public long NextRetryMs { get; set; }
        public List<KeyState> Keys { get; } = [];
        public bool Answered { get; set; }
    }

    private sealed class KeyState(byte[] key, List<Replica> targets, IReadOnlyList<IReadOnlyList<NodeId>> homeSets)
    {
        public byte[] Key { get; } = key;
        public List<Replica> Targets { get; } = targets;
        public Dictionary<NodeId, Set> Replies { get; } = [];

        /// <summary>R replies in each home set (both rings' during a membership change).</summary>
        public bool QuorumReached(int r) => LeaderlessContext.QuorumReached(homeSets, r, Targets.Where(t => Replies.ContainsKey(t.Node)));

        public Set Merged() => Replies.Values.Aggregate(KeyVersions.Empty, (merged, versions) => merged.Merge(versions));
    }
}
