using System.Runtime.InteropServices;
using Chorus.Core.Versions;

namespace Chorus.Core.Crdts;

/// <summary>
/// A PN-counter (Shapiro et al., "Conflict-free replicated data types"): the replicated integer
/// behind INCR, INCRBY, DECR and DECRBY when sites or replicas accept increments concurrently.
/// Each site keeps the total it has added (P) and the total it has subtracted (N); the value is
/// ΣP − ΣN. Merge takes each site's larger P and N, so every increment counts exactly once
/// however often and in whatever order states are exchanged. State-based; mutable (decode,
/// change, encode), <see cref="Clone"/> to keep a copy.
/// <para>
/// Overflow. Redis refuses an INCRBY whose result leaves the signed 64-bit range
/// ("increment or decrement would overflow") and so does <see cref="TryAdd"/>, judging by the value
/// this replica sees. Two sites can still each accept an increment that together pass the range;
/// the value is therefore exact in 128 bits (<see cref="Value"/>). A value outside the 64-bit
/// range reads as its decimal digits, and a later INCR refuses it like Redis refuses INCR on the
/// string "9223372036854775808" ("value is not an integer or out of range"). Each site's P and N
/// are 64-bit unsigned totals; an increment that would wrap one is refused as an overflow too
/// (after 2^64 units added at one site, which INCRBY steps of up to 2^63 reach in a few calls).
/// </para>
/// </summary>
public sealed class PNCounter
{
    private readonly List<SiteTotals> _sites = [];

    /// <summary>What one site has added and subtracted, in total.</summary>
    public readonly record struct SiteTotals(NodeId Site, ulong Added, ulong Subtracted);

    public IReadOnlyList<SiteTotals> Sites => _sites;

    /// <summary>The exact value: every site's additions minus its subtractions.</summary>
    public Int128 Value
    {
        get
        {
            Int128 value = 0;
            foreach (var site in _sites)
            {
                value += site.Added;
                value -= site.Subtracted;
            }
            return value;
        }
    }

    /// <summary>The value if it fits a signed 64-bit integer (what INCR can start from).</summary>
    public bool TryGetInt64(out long value)
    {
        var exact = Value;
        var fits = exact >= long.MinValue && exact <= long.MaxValue;
        value = fits ? (long)exact : 0;
        return fits;
    }

    /// <summary>
    /// Adds <paramref name="delta"/> (negative to subtract) as <paramref name="site"/>'s event.
    /// Refused, changing nothing, when the result leaves the 64-bit range or the site's total wraps.
    /// </summary>
    public CounterUpdate TryAdd(NodeId site, long delta)
    {
        if (!TryGetInt64(out var current))
        {
            return CounterUpdate.NotAnInteger;
        }
        if (delta == 0)
        {
            return CounterUpdate.Applied;
        }
        var result = (Int128)current + delta;
        if (result < long.MinValue || result > long.MaxValue)
        {
            return CounterUpdate.Overflow;
        }
        var i = IndexOf(site);
        var totals = i >= 0 ? _sites[i] : new SiteTotals(site, 0, 0);
        var magnitude = delta < 0 ? (ulong)(-(Int128)delta) : (ulong)delta;
        var added = delta >= 0 ? totals.Added + magnitude : totals.Added;
        var subtracted = delta < 0 ? totals.Subtracted + magnitude : totals.Subtracted;
        if (added < totals.Added || subtracted < totals.Subtracted)
        {
            return CounterUpdate.Overflow;
        }
        Set(i, totals with { Added = added, Subtracted = subtracted });
        return CounterUpdate.Applied;
    }

    /// <summary>Takes in another replica's state: each site's larger totals.</summary>
    public void Merge(PNCounter other)
    {
        if (ReferenceEquals(this, other))
        {
            return;
        }
        foreach (var theirs in other._sites)
        {
            var i = IndexOf(theirs.Site);
            var ours = i >= 0 ? _sites[i] : new SiteTotals(theirs.Site, 0, 0);
            Set(i, new SiteTotals(theirs.Site, Math.Max(ours.Added, theirs.Added), Math.Max(ours.Subtracted, theirs.Subtracted)));
        }
    }

    public PNCounter Clone()
    {
        var copy = new PNCounter();
        copy._sites.AddRange(_sites);
        return copy;
    }

    /// <summary>Same totals for every site (equal states, not just equal values).</summary>
    public bool SameStateAs(PNCounter other) => _sites.SequenceEqual(other._sites);

    public override string ToString() => $"{Value} {{{string.Join(", ", _sites.Select(s => $"{s.Site}:+{s.Added}-{s.Subtracted}"))}}}";

    /// <summary>Adds decoded totals, which must come in id order (the decoder checks).</summary>
    internal void AppendSorted(SiteTotals totals) => _sites.Add(totals);

    private void Set(int index, SiteTotals totals)
    {
        if (index >= 0)
        {
            _sites[index] = totals;
        }
        else
        {
            _sites.Insert(~index, totals);
        }
    }

    private int IndexOf(NodeId site) =>
        SortedByNode.IndexOf<SiteTotals>(CollectionsMarshal.AsSpan(_sites), site, static s => s.Site);
}

/// <summary>What an increment did.</summary>
public enum CounterUpdate
{
    Applied,
    /// <summary>The result would leave the signed 64-bit range: Redis's "increment or decrement would overflow".</summary>
    Overflow,
    /// <summary>The current value is outside the 64-bit range: Redis's "value is not an integer or out of range".</summary>
    NotAnInteger,
}
