using Chorus.Core.Sites;
using Chorus.Core.Versions;

namespace Chorus.Commands.Sites;

/// <summary>What merging a change from another site into a key gave: the key's new state (null: nothing changed) and the values that lost.</summary>
public sealed record Resolution(SiteKeyState? Changed, IReadOnlyList<SiteSibling> Losers, bool Conflict);

/// <summary>One element a document merge changed, and how.</summary>
public sealed record ElementResolution(SitePart Part, byte[] Name, Resolution Resolution);

/// <summary>A merged document and the elements the merge changed (none: the incoming document added nothing).</summary>
public sealed record DocumentResolution(SiteDocument Merged, IReadOnlyList<ElementResolution> Changed);

/// <summary>
/// Merges a key's versions from another site into the local ones (DDIA ch. 5, "Detecting
/// concurrent writes"): a version whose clock another version dominates is superseded (causally
/// older: no conflict); the versions left are concurrent — a conflict, resolved by the key's
/// policy. State-based (the set of versions no other dominates): merging the same versions
/// again, in any order or by any path, gives the same state, so a change delivered twice is
/// harmless and every site converges. Both policies keep every concurrent version; they differ
/// in what they promise: lww shows the newest and reports the others as lost, siblings shows
/// them all (CHORUS.SIBLINGS) until a write that has seen them resolves them.
/// </summary>
public static class SiteResolver
{
    /// <summary>
    /// Merges <paramref name="incoming"/> (a whole document or a change's delta) into
    /// <paramref name="local"/> element by element; <paramref name="local"/> is left as it was.
    /// A set's members merge as an add-wins OR-set (concurrent versions are all kept, and a member
    /// is present when any adds it: nothing loses); a counter's contributions never conflict (each
    /// site writes only its own); strings, hash fields and sorted-set members follow the key's
    /// <paramref name="policy"/>.
    /// </summary>
    public static DocumentResolution Merge(SiteDocument? local, SiteDocument incoming, ConflictPolicy policy)
    {
        var merged = local?.Copy() ?? new SiteDocument();
        var changed = new List<ElementResolution>();
        foreach (var part in incoming.Parts)
        {
            foreach (var (name, state) in incoming.Elements(part))
            {
                var resolution = Merge(merged.Get(part, name), state, PolicyOf(part, policy));
                if (resolution.Changed is { } after)
                {
                    merged.Set(part, name, after);
                    changed.Add(new ElementResolution(part, name, resolution));
                }
            }
        }
        return new DocumentResolution(merged, changed);
    }

    /// <summary>
    /// The policy an element of <paramref name="part"/> merges by, for a key whose policy is
    /// <paramref name="keyPolicy"/> (custom keeps siblings: its resolver only decides what reads show).
    /// </summary>
    public static ConflictPolicy PolicyOf(SitePart part, ConflictPolicy keyPolicy) => part switch
    {
        SitePart.Set => ConflictPolicy.Siblings,
        SitePart.Counter => ConflictPolicy.Lww,
        _ => keyPolicy is ConflictPolicy.Siblings or ConflictPolicy.Custom ? ConflictPolicy.Siblings : ConflictPolicy.Lww,
    };

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
            ConflictPolicy.Siblings => Bounded(state, []),
            _ => Bounded(state, NewLosers(local, state)),
        };
    }

    /// <summary>
    /// lww: the winner is what every read shows; the values it beat are reported once, when they
    /// first lose. They stay in the key's version block (until a later write supersedes them)
    /// because a later change may supersede the winner and not them — merging the concurrent
    /// versions themselves, not a resolved copy, is what makes the result the same whatever the
    /// order in which changes arrive.
    /// </summary>
    private static List<SiteSibling> NewLosers(SiteKeyState? local, SiteKeyState state)
    {
        var lostBefore = local?.Siblings.Skip(1).Select(s => s.Version.Clock).ToList() ?? [];
        return [.. state.Siblings.Skip(1).Where(s => !lostBefore.Any(c => c.Equals(s.Version.Clock)))];
    }

    /// <summary>At most <see cref="SiteKeyState.SiblingsMax"/> values stay; the oldest beyond it fold into one and are reported as losers.</summary>
    private static Resolution Bounded(SiteKeyState state, List<SiteSibling> losers)
    {
        if (state.Siblings.Count <= SiteKeyState.SiblingsMax)
        {
            return new Resolution(state, losers, true);
        }
        var kept = state.Siblings.Take(SiteKeyState.SiblingsMax - 1).ToList();
        var dropped = state.Siblings.Skip(SiteKeyState.SiblingsMax - 1).ToList();
        var last = dropped[0];
        var merged = dropped.Aggregate(VersionVector.Empty, static (clock, s) => clock.Merge(s.Version.Clock));
        kept.Add(new SiteSibling(last.Version with { Clock = merged }, last.Value));
        return new Resolution(new SiteKeyState(kept), [.. losers.Union(dropped.Skip(1))], true);
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
