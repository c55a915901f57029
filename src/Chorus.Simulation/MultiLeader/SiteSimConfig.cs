using Chorus.Core.Sites;

namespace Chorus.Simulation.MultiLeader;

/// <summary>
/// One seeded multi-leader run: sites on a simulated WAN, a write workload at every site, and
/// (optionally) partitions between sites, reordering links and skewed clocks. Broken variants
/// (naive delivery that lets changes overtake, LWW whose losers are not logged) prove the
/// checkers catch what they claim to.
/// </summary>
public sealed record SiteSimConfig(int Seed)
{
    public int Sites { get; init; } = 3;

    public int NodesPerSite { get; init; } = 1;

    public SiteTopology Topology { get; init; } = SiteTopology.AllToAll;

    public ConflictPolicy Policy { get; init; } = ConflictPolicy.Lww;

    /// <summary>Virtual time the workload runs for, then everything heals and the sites settle.</summary>
    public long DurationMs { get; init; } = 10_000;

    /// <summary>Virtual time after healing before the checks (sites must have converged by then).</summary>
    public long SettleMs { get; init; } = 15_000;

    /// <summary>The resolver of the custom policy (<see cref="Policy"/> = Custom): a built-in name, or "throwing" — one that always throws.</summary>
    public string? Resolver { get; init; }

    /// <summary>Mean time between two client writes (over all sites).</summary>
    public long WriteIntervalMs { get; init; } = 20;

    /// <summary>Distinct keys written (fewer keys: more conflicts).</summary>
    public int Keys { get; init; } = 8;

    /// <summary>
    /// Change the shared settings while the workload runs: every second or two a random site
    /// leader switches the topology (all-to-all, ring, or a star around a random hub) and declares a
    /// random site failed or recovered; the last change (before the workload ends) recovers every site.
    /// </summary>
    public bool SettingsChanges { get; init; }

    /// <summary>Crash random nodes (site leaders and followers) while the workload runs, and restart them (<see cref="SiteCrashes"/>).</summary>
    public bool Crashes { get; init; }

    /// <summary>Record when each site leader's warnings appear and go away (<see cref="SiteRunResult.WarningTimeline"/>).</summary>
    public bool WatchWarnings { get; init; }

    /// <summary>With <see cref="FailSite"/>: how long after the crash an operator declares the site failed.</summary>
    public long FailSiteDeclaredAfterMs { get; init; } = 1_000;

    /// <summary>Cut and heal the links between random pairs of sites while the workload runs.</summary>
    public bool Partitions { get; init; } = true;

    /// <summary>Probability that a message between sites is held back so later ones overtake it.</summary>
    public double ReorderProbability { get; init; } = 0.1;

    /// <summary>Step each node's clock by up to this much either way at start (LWW decides by HLC time).</summary>
    public long ClockSkewMsMax { get; init; } = 500;

    /// <summary>One-way delay between sites (the typical value; a tail adds more).</summary>
    public long SiteLatencyMs { get; init; } = 20;

    /// <summary>
    /// Write hashes, sets, sorted sets and counters instead of strings: HSET/HDEL, SADD/SREM, ZADD,
    /// DEL of whole collections and INCRBY on counter keys (<c>c*</c>, under the counter policy).
    /// </summary>
    public bool Collections { get; init; }

    /// <summary>
    /// The lab's lost-increments workload: every write is an INCR of one of <see cref="Keys"/>
    /// counter keys (<c>c*</c>, under the counter policy, or last-write-wins with <see cref="CountersAsLww"/>).
    /// </summary>
    public bool CountersOnly { get; init; }

    /// <summary>
    /// An operator's cut, as the lab makes one: at <c>AtMs</c> every node cuts its links with every
    /// other site (CHORUS.LINK CUT); <c>ForMs</c> later the sites heal their ends one after another,
    /// a random 0–100 ms apart (so the first to heal sends into a link still cut at the other end).
    /// </summary>
    public (long AtMs, long ForMs)? OperatorCut { get; init; }

    /// <summary>
    /// The old behaviour after a heal: a site that sent into a link still cut at the other end waits
    /// out the link's retry (1 s) before sending again (<see cref="Replication.MultiLeader.MultiLeaderOptions.ResendWhenHeardFrom"/> off).
    /// </summary>
    public bool WaitForRetryAfterHeal { get; init; }

    /// <summary>Broken variant: counter keys as last-write-wins strings (concurrent increments overwrite each other).</summary>
    public bool CountersAsLww { get; init; }

    /// <summary>Broken variant: deliver changes as they arrive (no causal hold-back).</summary>
    public bool NaiveDelivery { get; init; }

    /// <summary>
    /// Broken variant: changes carry no origin tag — a site passes on what it takes in as a change of
    /// its own, so a ring forwards every site's changes back to it, forever (and delivery is naive:
    /// what a change depends on is told by the same tags).
    /// </summary>
    public bool ForwardsOwnChanges { get; init; }

    /// <summary>
    /// Broken variant "no version vectors", side by side: feed what Chorus's site leaders took in to
    /// sites that decide by timestamps alone, and check them too (<see cref="SiteRunResult.TimestampOnly"/>).
    /// </summary>
    public bool CompareTimestampOnly { get; init; }

    /// <summary>Broken variant: LWW that forgets its losers (the conflict log is not consulted).</summary>
    public bool ForgetLosers { get; init; }

    /// <summary>Extra per-link delays (from site, to site) → one-way ms; the overtaking scenario slows one link.</summary>
    public IReadOnlyDictionary<(string From, string To), long> SlowLinks { get; init; } = new Dictionary<(string, string), long>();

    /// <summary>
    /// Home sites (conflict avoidance): a write to a key a rule matches is routed to the rule's site,
    /// wherever the workload sends it. The checker holds every version of such a key to a site
    /// that was its home, and — unless a home site fails — finds no conflict on it.
    /// </summary>
    public IReadOnlyList<HomeRule> Homes { get; init; } = [];

    /// <summary>
    /// A home site that fails: a third of the way through the workload every node of this site
    /// crashes (the workload writes there no more), a second later another site's leader declares
    /// it failed (CHORUS.SITECONFIG FAIL) and its keys' home moves to the next site; the crashed
    /// nodes restart when the workload ends, so the checks see them converge.
    /// </summary>
    public string? FailSite { get; init; }

    /// <summary>
    /// With <see cref="FailSite"/>: the failed site restarts at this time, while the workload still
    /// runs, and an operator recovers it (CHORUS.SITECONFIG RECOVER) at once; writes to its keys go
    /// on at every site — the workload writes at the restarted site too — through the handover.
    /// Null: it restarts and is recovered when the workload ends.
    /// </summary>
    public long? RecoverAtMs { get; init; }

    /// <summary>
    /// Broken variant: recovering moves the site's homes back at once (the site is simply no longer
    /// failed), before it has caught up with its successor's writes to its keys.
    /// </summary>
    public bool RecoverWithoutHandover { get; init; }

    /// <summary>
    /// An operator's cut across a leadership change: at <c>AtMs</c> s1's leader cuts its links with
    /// every other site, halfway through the cut s1's leadership moves to another of its nodes
    /// (FAILOVER TO; give sites two nodes or more), and <c>ForMs</c> after the cut s1 heals them.
    /// Checked: no change of s1 reaches another site while cut.
    /// </summary>
    public (long AtMs, long ForMs)? CutAcrossFailover { get; init; }

    /// <summary>Broken variant: the checker expects <see cref="Homes"/>, but the sites are not told (writes are made where they are sent).</summary>
    public bool HomesNotRouted { get; init; }

    /// <summary>
    /// Scripted resolve-on-read (with <see cref="Policy"/> custom and a <see cref="Resolver"/> that has
    /// an on-read handler): at <c>AtMs</c> the site leader reads the key; if it holds concurrent values,
    /// the handler resolves them and, <c>WriteBackAfterMs</c> later, the site writes the resolution back
    /// with the context the read saw (CHORUS.RESOLVE), as a node does for a GET.
    /// </summary>
    public IReadOnlyList<(long AtMs, string Site, string Key, long WriteBackAfterMs)>? ReadsResolved { get; init; }

    /// <summary>Scripted writes (at ms, site, key, value) instead of the random workload.</summary>
    public IReadOnlyList<(long AtMs, string Site, string Key, string Value)>? Script { get; init; }
}
