using Chorus.Commands.Data.Keys;
using Chorus.Core;
using Chorus.Core.Sites;

namespace Chorus.Commands.Sites;

/// <summary>
/// Conflict avoidance (DDIA ch. 5, "Conflict avoidance"): a key pattern can have a home site,
/// and every write to a key it matches is made at that site, so two sites never write the key
/// concurrently. A pure function of the shared settings: the first home rule whose pattern
/// matches the key names its home; when that site is declared failed (or is returning from
/// failure), the home is its <see cref="SiteSettings.HomeSuccessor"/> — the next site in id order
/// (the ring's order) that is neither — so every site moves the home to the same place, and back
/// when the site has returned.
/// </summary>
public static class HomeSites
{
    /// <summary>Where <paramref name="key"/>'s writes go now, or null when no rule matches it (or every site is failed).</summary>
    public static NodeId? HomeOf(SiteSettings settings, IReadOnlyList<NodeId> sites, ReadOnlySpan<byte> key)
    {
        foreach (var rule in settings.Homes)
        {
            if (GlobPattern.IsMatch(System.Text.Encoding.Latin1.GetBytes(rule.Pattern), key))
            {
                return settings.HomeSuccessor(rule.Site, sites);
            }
        }
        return null;
    }

    /// <summary>
    /// <paramref name="home"/> itself unless it is declared failed; otherwise the first site after it
    /// in ordinal id order (wrapping around) that is not failed; null when all are.
    /// </summary>
    public static NodeId? Successor(NodeId home, IReadOnlyList<NodeId> sites, IReadOnlyCollection<NodeId> failed) =>
        SiteSettings.NextAvailable(home, sites, failed);

    /// <summary>
    /// The one home of the keys of a group of write commands: <see cref="HomeDecision.Home"/> null
    /// when none of them has a home (they are written where they are sent). Keys without a home go
    /// along with the others. Keys with two different homes are <see cref="HomeDecision.Crossing"/>.
    /// </summary>
    public static HomeDecision Decide(SiteSettings settings, IReadOnlyList<NodeId> sites, IEnumerable<ReadOnlyMemory<byte>> keys)
    {
        if (settings.Homes.Count == 0)
        {
            return HomeDecision.Anywhere;
        }
        (byte[] Key, NodeId Home)? first = null;
        foreach (var key in keys)
        {
            if (HomeOf(settings, sites, key.Span) is not { } home)
            {
                continue;
            }
            if (first is null)
            {
                first = (key.ToArray(), home);
            }
            else if (first.Value.Home != home)
            {
                return new HomeDecision(null, new HomeCrossing(first.Value.Key, first.Value.Home, key.ToArray(), home));
            }
        }
        return new HomeDecision(first?.Home, null);
    }

    /// <summary>The error for a request whose keys live at two home sites (Redis Cluster's CROSSSLOT, for sites).</summary>
    public static string CrossingError(HomeCrossing crossing) =>
        $"CROSSSITE Keys in request don't have the same home site ('{Text(crossing.FirstKey)}' at {crossing.FirstHome}, '{Text(crossing.OtherKey)}' at {crossing.OtherHome})";

    private static string Text(byte[] key) => System.Text.Encoding.UTF8.GetString(key.AsSpan(0, Math.Min(key.Length, 64)));
}

/// <summary>Where a group of writes must be made: <see cref="Home"/> (null: anywhere), or nowhere, when its keys' homes differ (<see cref="Crossing"/>).</summary>
public readonly record struct HomeDecision(NodeId? Home, HomeCrossing? Crossing)
{
    public static HomeDecision Anywhere => default;
}

/// <summary>Two keys of one request whose home sites differ.</summary>
public sealed record HomeCrossing(byte[] FirstKey, NodeId FirstHome, byte[] OtherKey, NodeId OtherHome);
