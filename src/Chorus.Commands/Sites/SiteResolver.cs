using Chorus.Core.Sites;
using Chorus.Core.Versions;

namespace Chorus.Commands.Sites;

/// <summary>What merging a change from another site into a key gave: the key's new state (null: nothing changed) and the values that lost.</summary>
public sealed record Resolution(SiteKeyState? Changed, IReadOnlyList<SiteSibling> Losers, bool Conflict);

/// <summary>
/// Merges a key's versions from another site into the local ones (DDIA ch. 5, "Detecting
/// concurrent writes"): a version whose clock another version dominates is superseded (causally
/// older: no conflict); the versions left are concurrent — a conflict, resolved by the key's
/// policy. State-based: merging the same versions again, in any order or by any path, gives the
/// same state, so a change delivered twice is harmless and every site converges.
/// </summary>
public static class SiteResolver
{
    public static Resolution Merge(SiteKeyState? local, SiteKeyState incoming, ConflictPolicy policy)
    {
        var all = (local?.Siblings ?? []).Concat(incoming.Siblings).ToList();
        var maximal = Maximal(all);
        if (local is not null && SameVersions(maximal, local.Siblings))
        {
            return new Resolution(null, [], false);
        }
        if (maximal.Count == 1)
        {
            return new Resolution(new SiteKeyState(maximal), [], false);
        }
        var state = new SiteKeyState(maximal);
        return policy switch
        {
            ConflictPolicy.Siblings => KeepSiblings(state),
            _ => LastWriteWins(state),
        };
    }

    /// <summary>lww: the winner stays, with a clock that has seen every concurrent value, so the conflict is over everywhere once every site has merged it.</summary>
    private static Resolution LastWriteWins(SiteKeyState state)
    {
        var winner = state.Winner;
        var resolved = new SiteSibling(winner.Version with { Clock = state.Context }, winner.Value);
        return new Resolution(new SiteKeyState([resolved]), [.. state.Siblings.Skip(1)], true);
    }

    /// <summary>siblings: every concurrent value stays (up to a limit; the oldest beyond it are reported as losers).</summary>
    private static Resolution KeepSiblings(SiteKeyState state)
    {
        if (state.Siblings.Count <= SiteKeyState.SiblingsMax)
        {
            return new Resolution(state, [], true);
        }
        var kept = state.Siblings.Take(SiteKeyState.SiblingsMax - 1).ToList();
        var dropped = state.Siblings.Skip(SiteKeyState.SiblingsMax - 1).ToList();
        var last = dropped[0];
        var merged = dropped.Aggregate(VersionVector.Empty, static (clock, s) => clock.Merge(s.Version.Clock));
        kept.Add(new SiteSibling(last.Version with { Clock = merged }, last.Value));
        return new Resolution(new SiteKeyState(kept), [.. dropped.Skip(1)], true);
    }

    /// <summary>The versions no other version dominates, one per clock.</summary>
    private static List<SiteSibling> Maximal(List<SiteSibling> all)
    {
        var kept = new List<SiteSibling>(all.Count);
        foreach (var candidate in all)
        {
            var superseded = all.Any(other => other.Version.Clock.Compare(candidate.Version.Clock) == CausalOrder.After);
            if (!superseded && !kept.Any(k => k.Version.Clock.Equals(candidate.Version.Clock)))
            {
                kept.Add(candidate);
            }
        }
        return kept;
    }

    private static bool SameVersions(List<SiteSibling> a, IReadOnlyList<SiteSibling> b) =>
        a.Count == b.Count && a.All(x => b.Any(y => y.Version.Clock.Equals(x.Version.Clock)));
}
