namespace Chorus.Server.Dashboard;

/// <summary>
/// What the dashboard shows, as JSON (camelCase): the node's published status turned into the
/// page's vocabulary. Built once per second by <see cref="DashboardFeed"/>, never per viewer.
/// </summary>
internal sealed record DashboardStatus(
    string Node,
    string Role,
    string? Leader,
    ulong Epoch,
    long AtMs,
    ulong LastLsn,
    ulong FlushedLsn,
    ulong CommittedLsn,
    IReadOnlyList<DashboardMember> Members,
    DashboardAcks Acks,
    DashboardFailover Failover,
    DashboardSnapshot Snapshot,
    long Rollbacks,
    long RolledBackEntries)
{
    /// <summary>Whether the page may offer actions (--dashboard-actions); each still needs an authorized user.</summary>
    public bool ActionsEnabled { get; init; }

    /// <summary>The replication family: single-leader, multi-leader or leaderless.</summary>
    public string Family { get; init; } = "single-leader";

    /// <summary>Multi-leader: this node's site, the links between sites and the conflicts met here.</summary>
    public DashboardSites? Sites { get; init; }

    /// <summary>Leaderless: the ring as this node sees it, hinted handoff, read repair and anti-entropy.</summary>
    public DashboardRing? Ring { get; init; }
}

/// <summary>
/// One member as this node knows it. The leader knows every follower's progress; a follower
/// knows only itself and the leader's last LSN, so other followers' positions are null there.
/// </summary>
internal sealed record DashboardMember(
    string Id,
    string Endpoint,
    string MemberRole,
    string Role,
    bool Self,
    string? State,
    ulong? AppliedLsn,
    ulong? FlushedLsn,
    ulong? LagEntries,
    long? LagMs,
    double? AckLatencyMs);

/// <summary>How writes are acknowledged (the replicated setting) and, on the leader, whether that holds now.</summary>
internal sealed record DashboardAcks(string Mode, string Level, int TimeoutMs, string OnTimeout, string? State, long Degradations, long TimedOutWrites);

internal sealed record DashboardFailover(string Mode, string State, long ElectionsStarted, long TimesElected);

internal sealed record DashboardSnapshot(string State, string Source, long BytesDone, long BytesTotal, long Installed, long Served);

/// <summary>One point of the live charts: per member lag, and throughput over the last second.</summary>
internal sealed record DashboardSample(long AtMs, ulong LastLsn, double WritesPerSecond, double CommandsPerSecond, IReadOnlyDictionary<string, MemberLag> Lag);

internal readonly record struct MemberLag(ulong Entries, long Ms);

/// <summary>Something that happened to the cluster, as this node saw it.</summary>
internal sealed record DashboardEvent(long AtMs, string Kind, ulong Epoch, string? Leader, string Text);

/// <summary>What one server-sent event carries: the status, the newest chart point and the timeline.</summary>
internal sealed record DashboardTick(DashboardStatus Status, DashboardSample Sample, IReadOnlyList<DashboardEvent> Timeline);

/// <summary>The whole picture for a page that just connected: a tick plus the chart history.</summary>
internal sealed record DashboardState(DashboardStatus Status, IReadOnlyList<DashboardSample> History, IReadOnlyList<DashboardEvent> Timeline, int SampleIntervalMs, int Viewers);

/// <summary>A multi-leader site as its node sees it (its site leader knows the links; a follower in the site knows its own site's settings).</summary>
internal sealed record DashboardSites(
    string Site,
    string Topology,
    IReadOnlyList<string> FailedSites,
    IReadOnlyList<string> Homes,
    IReadOnlyList<string> Policies,
    long ChangesApplied,
    long Duplicates,
    int HeldBack,
    long Conflicts,
    long LostValues,
    long ResolverFailures,
    IReadOnlyList<DashboardSiteLink> Links,
    IReadOnlyList<string> Warnings);

/// <summary>One link between this site and another: which way changes flow, its state, and what is still to cross it.</summary>
internal sealed record DashboardSiteLink(string Site, string Direction, string State, string? Leader, ulong LagEntries, long LagMs, long Changes);

/// <summary>A leaderless node's view of the ring: settings, its share, its peers, and what it repaired.</summary>
internal sealed record DashboardRing(
    long RingVersion,
    int N,
    int W,
    int R,
    bool SloppyQuorum,
    bool HintedHandoff,
    bool ReadRepair,
    bool AntiEntropy,
    double PrimaryShare,
    double ReplicaShare,
    long KeysStored,
    int HintsPending,
    bool TreesBuilt,
    string? AntiEntropyPeer,
    IReadOnlyList<DashboardRingPeer> Peers,
    DashboardRingTotals Totals);

/// <summary>A member of the ring: whether this node hears from it, and the hints this node keeps for it.</summary>
internal sealed record DashboardRingPeer(string Id, string ClientEndpoint, bool Self, bool Up, long? LastHeardAgoMs, int HintsPending);

internal sealed record DashboardRingTotals(
    long Reads,
    long ReadsFailed,
    long ReadsWithSiblings,
    long SiblingsMax,
    long Writes,
    long WritesFailed,
    long ReadRepairs,
    long HintsStored,
    long HintsDelivered,
    long AntiEntropyRounds,
    long RangesDiffering,
    long KeysRepaired);
