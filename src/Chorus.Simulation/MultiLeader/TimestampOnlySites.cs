using Chorus.Core;
using Chorus.Core.Sites;
using Chorus.Core.Versions;

namespace Chorus.Simulation.MultiLeader;

/// <summary>
/// The broken variant "no version vectors" (issue 11): sites that tell writes apart by their
/// timestamps alone, fed exactly what Chorus's site leaders took in during the run, in the same
/// order (their own clients' writes and the changes delivered from other sites, strings only). A
/// timestamp orders any two writes but cannot say whether the later writer had seen the earlier
/// value, so such a site must guess: it takes a newer value as an overwrite of what it holds
/// (silently), and an older one as a conflict — under lww it reports the older as the loser;
/// under siblings it keeps the older beside the newer ones.
/// <para>
/// The checks use the truth the run knows — every version's real version vector — with the rules
/// the Chorus checks use: after the run every site holds the same values (convergence); every
/// acknowledged write is still shown, superseded by a write that saw it, or reported lost; every
/// reported conflict is between concurrent writes.
/// </para>
/// </summary>
internal static class TimestampOnlySites
{
    public static TimestampOnlyOutcome Check(SiteHistory history, ConflictPolicy policy)
    {
        var states = new Dictionary<NodeId, Dictionary<string, List<SiteSibling>>>();
        var reported = new List<(string Key, SiteSibling Loser, SiteSibling Winner)>();
        foreach (var e in history.Events)
        {
            var keys = states.TryGetValue(e.Node, out var k) ? k : states[e.Node] = [];
            var held = keys.TryGetValue(e.Key, out var h) ? h : keys[e.Key] = [];
            if (held.Any(s => Same(s, e.Version)))
            {
                continue; // the same write again
            }
            if (e.Local)
            {
                keys[e.Key] = [e.Version]; // a site's own write replaces what it shows
                continue;
            }
            // A newer timestamp is taken as an overwrite of everything older.
            held.RemoveAll(s => e.Version.Version.WinsOver(s.Version));
            if (held.Count == 0)
            {
                held.Add(e.Version);
            }
            else if (policy == ConflictPolicy.Lww)
            {
                reported.Add((e.Key, e.Version, held[0])); // older than what is held: it lost
            }
            else
            {
                held.Add(e.Version); // older, kept beside the newer
            }
        }
        return Outcome(history, policy, states, reported);
    }

    private static TimestampOnlyOutcome Outcome(SiteHistory history, ConflictPolicy policy, Dictionary<NodeId, Dictionary<string, List<SiteSibling>>> states, List<(string Key, SiteSibling Loser, SiteSibling Winner)> reported)
    {
        var outcome = new TimestampOnlyOutcome(reported.Count);
        var keys = states.Values.SelectMany(s => s.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        foreach (var key in keys)
        {
            var shown = states.Values.Select(s => string.Join(",", Values(s.GetValueOrDefault(key, [])).Order(StringComparer.Ordinal))).Distinct().ToList();
            if (shown.Count > 1)
            {
                outcome.Diverged.Add($"{key}: {string.Join(" | ", shown)}");
            }
        }
        foreach (var (key, loser, winner) in reported.Where(r => r.Loser.Version.Clock.Compare(r.Winner.Version.Clock) != CausalOrder.Concurrent))
        {
            outcome.WrongConflicts.Add($"{key}: {Describe(loser)} reported losing to {Describe(winner)}, but one had seen the other");
        }
        var reportedLosers = reported.Select(r => (r.Key, r.Loser.Version.Clock)).ToHashSet();
        var made = history.Versions.ToList();
        foreach (var (key, value) in history.AcknowledgedWrites)
        {
            if (history.VersionOf(key, value) is not { } version)
            {
                continue; // never versioned: the Chorus check reports it
            }
            var superseded = made.Any(v => v.Key == key && v.Version.Version.Clock.Compare(version.Version.Clock) == CausalOrder.After);
            var reportedLost = reportedLosers.Contains((key, version.Version.Clock));
            foreach (var (node, held) in states)
            {
                var kept = policy == ConflictPolicy.Lww ? held.GetValueOrDefault(key, []).Take(1) : held.GetValueOrDefault(key, []);
                if (!superseded && !reportedLost && !kept.Any(s => Same(s, version)))
                {
                    outcome.LostWrites.Add($"{key}={value} ({Describe(version)}) gone at {node} without a trace");
                }
            }
        }
        return outcome;
    }

    private static bool Same(SiteSibling a, SiteSibling b) => a.Version.Site == b.Version.Site && a.Version.Timestamp == b.Version.Timestamp;

    private static IEnumerable<string> Values(List<SiteSibling> held) =>
        held.Select(s => s.Value is { } v ? SiteHistory.ValueOf(v) : "(deleted)");

    private static string Describe(SiteSibling s) => $"{(s.Value is { } v ? SiteHistory.ValueOf(v) : "(deleted)")} by {s.Version.Site} {s.Version.Clock}";
}

/// <summary>What <see cref="TimestampOnlySites"/> found: keys whose values differ between sites, acknowledged writes gone silently, conflicts reported between writes that were not concurrent.</summary>
public sealed record TimestampOnlyOutcome(int ConflictsReported)
{
    public List<string> Diverged { get; } = [];

    public List<string> LostWrites { get; } = [];

    public List<string> WrongConflicts { get; } = [];

    public bool Ok => Diverged.Count == 0 && LostWrites.Count == 0 && WrongConflicts.Count == 0;

    public override string ToString() =>
        $"timestamps only: {(Ok ? "ok" : "BROKEN")}; {ConflictsReported} conflicts reported, {WrongConflicts.Count} of them between writes that were not concurrent; {Diverged.Count} keys differ between sites; {LostWrites.Count} acknowledged writes gone without a trace (counted per site)"
        + (Diverged.Count > 0 ? $"\n  diverged: {string.Join("; ", Diverged.Take(3))}" : "")
        + (LostWrites.Count > 0 ? $"\n  lost: {string.Join("; ", LostWrites.Take(3))}" : "")
        + (WrongConflicts.Count > 0 ? $"\n  wrong conflicts: {string.Join("; ", WrongConflicts.Take(3))}" : "");
}
