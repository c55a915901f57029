namespace Chorus.Simulation.MultiLeader;

/// <summary>What a multi-leader run found: each checker's violations (empty when it holds), and what happened.</summary>
public sealed record SiteRunResult(int Seed)
{
    /// <summary>Sites whose data digests differ after healing (empty: converged).</summary>
    public List<string> Divergence { get; } = [];

    /// <summary>Changes delivered before one they depend on (the chapter's overtaking problem).</summary>
    public List<string> Overtakes { get; } = [];

    /// <summary>Changes one node delivered twice (a loop, or a duplicate not recognised).</summary>
    public List<string> AppliedTwice { get; } = [];

    /// <summary>Acknowledged writes that are neither in the state, superseded causally, nor in a conflict log.</summary>
    public List<string> LostWrites { get; } = [];

    /// <summary>Conflicts a site reported between versions that were not concurrent (one had seen the other): a false alarm, and a lost update when the later one lost.</summary>
    public List<string> WrongConflicts { get; } = [];

    /// <summary>Counters whose value at some node is not the sum of the acknowledged increments.</summary>
    public List<string> CounterMismatches { get; } = [];

    /// <summary>
    /// Home sites: versions of a homed key made at a site that was never its home, and — while the
    /// home never moved — conflicts on a homed key (conflict avoidance failed).
    /// </summary>
    public List<string> HomeViolations { get; } = [];

    /// <summary>Writes refused or left in doubt because their home site could not be reached (not acknowledged: no loss).</summary>
    public int WritesHomeUnreachable { get; set; }

    /// <summary>Versions of homed keys made at the site their home moved to (a home site declared failed).</summary>
    public int WritesAtMovedHome { get; set; }

    /// <summary>Versions of a recovered site's homed keys made at that site after it restarted.</summary>
    public int WritesAtReturnedHome { get; set; }

    /// <summary>Home handovers completed (a returning site took its keys back).</summary>
    public long HandoversCompleted { get; set; }

    /// <summary>Virtual ms from the recovery (RECOVER) until every site leader had the returning site's homes back at it (null: never, or no recovery).</summary>
    public long? HandoverMs { get; set; }

    /// <summary>Changes of a site whose links an operator cut that reached another site while cut (see <see cref="SiteSimConfig.CutAcrossFailover"/>).</summary>
    public List<string> LinkCutLeaks { get; } = [];

    /// <summary>Versions the cutting site made while its links were cut.</summary>
    public int WritesWhileCut { get; set; }

    /// <summary>The cutting site's leaders before and after the leadership change during the cut ("s1n1 → s1n2"); null: it did not change.</summary>
    public string? CutHeldAcross { get; set; }

    /// <summary>Nodes crashed (and restarted) during the run (<see cref="SiteSimConfig.Crashes"/>).</summary>
    public int NodesCrashed { get; set; }

    /// <summary>When each site leader's warnings appeared (+) and went away (-), with <see cref="SiteSimConfig.WatchWarnings"/>.</summary>
    public List<string> WarningTimeline { get; } = [];

    /// <summary>With <see cref="SiteSimConfig.CompareTimestampOnly"/>: how sites deciding by timestamps alone did on the same input.</summary>
    public TimestampOnlyOutcome? TimestampOnly { get; set; }

    /// <summary>Writes a site routed to their home site (over all nodes).</summary>
    public long WritesRouted { get; set; }

    /// <summary>Nodes that stopped on an exception.</summary>
    public List<string> Failures { get; } = [];

    public int WritesAcknowledged { get; set; }

    /// <summary>Counter values compared with their acknowledged increments (counters × nodes).</summary>
    public int CountersChecked { get; set; }

    /// <summary>The sum of the acknowledged increments over every counter.</summary>
    public long IncrementsAcknowledged { get; set; }

    public long Conflicts { get; set; }

    public long LostValuesLogged { get; set; }

    /// <summary>Times a custom resolver failed (the keys kept their siblings).</summary>
    public long ResolverFailures { get; set; }

    /// <summary>With an operator's cut: ms from the last end's heal until every site leader had every change (null: never).</summary>
    public long? HealExchangeMs { get; set; }

    /// <summary>Batches sent again at once because their site was heard from after a silence.</summary>
    public long ResendsAfterSilence { get; set; }

    public long ChangesDelivered { get; set; }

    public long Duplicates { get; set; }

    public long MessagesSent { get; set; }

    /// <summary>Runtime changes of the shared settings (topology, failed sites) made during the run.</summary>
    public int SettingsChanged { get; set; }

    /// <summary>Final value of each key at the first site (for scripted scenarios).</summary>
    public Dictionary<string, string?> FinalValues { get; } = [];

    /// <summary>The live concurrent values each checked key ends with (1: no conflict left).</summary>
    public Dictionary<string, int> FinalSiblings { get; } = [];

    /// <summary>Resolve-on-read write-backs, in order: "key written" or "key refused" (the key had changed since the read).</summary>
    public List<string> WriteBacks { get; } = [];

    public bool Ok => Divergence.Count == 0 && Overtakes.Count == 0 && AppliedTwice.Count == 0 && LostWrites.Count == 0 && WrongConflicts.Count == 0 && Failures.Count == 0 && CounterMismatches.Count == 0 && HomeViolations.Count == 0 && LinkCutLeaks.Count == 0;

    public override string ToString() =>
        $"seed {Seed}: {(Ok ? "ok" : "BROKEN")}; {WritesAcknowledged} writes acknowledged, {IncrementsAcknowledged} increments acknowledged, {CountersChecked} counter values checked, {ChangesDelivered} changes delivered, {Duplicates} duplicates dropped, "
        + $"{Conflicts} conflicts ({LostValuesLogged} losing values logged, {ResolverFailures} resolver failures), {MessagesSent} messages, {NodesCrashed} node crashes, {SettingsChanged} settings changes, {WritesRouted} writes routed home ({WritesAtMovedHome} made at a moved home, {WritesAtReturnedHome} at the returned home), {WritesHomeUnreachable} refused for an unreachable home"
        + (HandoverMs is { } handover ? $", {HandoversCompleted} handovers, homes back {handover} ms after the recovery" : "")
        + (HealExchangeMs is { } exchange ? $", every site had every change {exchange} ms after the heal ({ResendsAfterSilence} resends after a silence)" : "")
        + Describe("diverged", Divergence) + Describe("overtaken", Overtakes) + Describe("applied twice", AppliedTwice)
        + Describe("lost writes", LostWrites) + Describe("wrong conflicts", WrongConflicts) + Describe("counters off", CounterMismatches) + Describe("node failures", Failures) + Describe("home sites", HomeViolations) + Describe("through a cut link", LinkCutLeaks)
        + (TimestampOnly is { } naive ? $"\n  {naive}" : "")
        + (CutHeldAcross is { } across ? $"\n  the cut held across {across}: {WritesWhileCut} versions made at the cut site while cut" : "");

    private static string Describe(string what, List<string> items) =>
        items.Count == 0 ? "" : $"\n  {what} ({items.Count}): {string.Join("; ", items.Take(5))}";
}
