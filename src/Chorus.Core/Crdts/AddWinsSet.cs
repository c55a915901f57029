using Chorus.Core.Versions;

namespace Chorus.Core.Crdts;

/// <summary>
/// An add-wins observed-remove set (OR-set): the replicated set behind SADD and SREM. When one
/// site adds a member while another removes it, the member stays — a remove only takes away the
/// adds it has observed.
/// <para>
/// Tombstone-free, as in the optimized OR-set (Bieniusa et al.) and the add-wins set of
/// "Delta State Replicated Data Types" (Almeida, Shoker, Baquero): each add gets a fresh dot
/// (site, n); a member is present while it holds at least one dot; and the set keeps one causal
/// context, a version vector of every add it has seen. A remove just drops the member's dots.
/// On merge, a dot the other replica has seen but no longer holds was removed there, so it goes;
/// a dot it has not seen is new, so it stays. Removed members leave nothing behind but the
/// context. State-based (whole states are merged, so the context is always a version vector);
/// mutable (decode, change, encode), <see cref="Clone"/> to keep a copy.
/// </para>
/// <para>
/// Redis's SADD of a present member changes nothing; here <see cref="Add"/> renews the member's
/// dot, so a concurrent SREM elsewhere (which saw only the old dot) does not remove it. Deleting
/// the key must keep the context (an empty set), or later adds would reuse dots.
/// </para>
/// </summary>
public sealed class AddWinsSet
{
    private readonly Dictionary<byte[], Dot[]> _members = new(ByteArrayComparer.Instance);

    /// <summary>Every add this replica has seen, whether or not its member is still present.</summary>
    public VersionVector Context { get; private set; } = VersionVector.Empty;

    public int Count => _members.Count;

    public IEnumerable<byte[]> Members => _members.Keys;

    /// <summary>Members with the dots of the adds that keep them present.</summary>
    public IEnumerable<KeyValuePair<byte[], Dot[]>> Entries => _members;

    public bool Contains(ReadOnlySpan<byte> member) =>
        _members.GetAlternateLookup<ReadOnlySpan<byte>>().ContainsKey(member);

    /// <summary>SADD at <paramref name="site"/>; true if the member was not present before.</summary>
    public bool Add(NodeId site, ReadOnlySpan<byte> member)
    {
        Context = Context.Increment(site);
        var lookup = _members.GetAlternateLookup<ReadOnlySpan<byte>>();
        var added = !lookup.ContainsKey(member);
        lookup[member] = [new Dot(site, Context[site])];
        return added;
    }

    /// <summary>SREM; true if the member was present. Only the adds seen here are removed.</summary>
    public bool Remove(ReadOnlySpan<byte> member) => _members.GetAlternateLookup<ReadOnlySpan<byte>>().Remove(member);

    /// <summary>Takes in another replica's state. Commutative, associative and idempotent.</summary>
    public void Merge(AddWinsSet other)
    {
        if (ReferenceEquals(this, other))
        {
            return;
        }
        var (ours, theirs) = (Context, other.Context);
        var changes = new List<(byte[] Member, Dot[] Dots)>();
        foreach (var (member, theirDots) in other._members)
        {
            if (!_members.TryGetValue(member, out var dots))
            {
                changes.Add((member, Unseen(theirDots, ours)));
            }
            else if (Union(dots, theirDots, ours, theirs) is var kept && kept != dots)
            {
                changes.Add((member, kept));
            }
        }
        foreach (var (member, dots) in _members)
        {
            if (!other._members.ContainsKey(member) && Unseen(dots, theirs) is var kept && kept != dots)
            {
                changes.Add((member, kept));
            }
        }
        foreach (var (member, dots) in changes)
        {
            if (dots.Length == 0)
            {
                _members.Remove(member);
            }
            else
            {
                _members[member] = dots;
            }
        }
        Context = ours.Merge(theirs);
    }

    public AddWinsSet Clone()
    {
        var copy = new AddWinsSet { Context = Context };
        foreach (var (member, dots) in _members)
        {
            copy._members.Add(member, dots);
        }
        return copy;
    }

    /// <summary>Same context and the same members with the same dots.</summary>
    public bool SameStateAs(AddWinsSet other) =>
        Context.Equals(other.Context)
        && _members.Count == other._members.Count
        && _members.All(m => other._members.TryGetValue(m.Key, out var dots) && dots.AsSpan().SequenceEqual(m.Value));

    /// <summary>Adds a decoded member (the decoder has checked its dots against the context).</summary>
    internal void Restore(byte[] member, Dot[] dots) => _members.Add(member, dots);

    internal void RestoreContext(VersionVector context) => Context = context;

    /// <summary>Dots both hold, plus each side's dots the other has not seen; sorted like the inputs.</summary>
    private static Dot[] Union(Dot[] mine, Dot[] theirs, VersionVector myContext, VersionVector theirContext)
    {
        if (mine.AsSpan().SequenceEqual(theirs))
        {
            return mine;
        }
        var kept = new List<Dot>(mine.Length + theirs.Length);
        kept.AddRange(mine.Where(d => theirs.Contains(d) || !theirContext.Contains(d)));
        kept.AddRange(theirs.Where(d => !mine.Contains(d) && !myContext.Contains(d)));
        kept.Sort(CompareDots);
        return [.. kept];
    }

    /// <summary>The dots <paramref name="context"/> has not seen (the others were removed there).</summary>
    private static Dot[] Unseen(Dot[] dots, VersionVector context)
    {
        var count = 0;
        foreach (var dot in dots)
        {
            count += context.Contains(dot) ? 0 : 1;
        }
        return count == dots.Length ? dots : [.. dots.Where(d => !context.Contains(d))];
    }

    /// <summary>The order a member's dots are kept and encoded in: by node id, then counter.</summary>
    public static int CompareDots(Dot a, Dot b)
    {
        var order = VersionVector.CompareIds(a.Node, b.Node);
        return order != 0 ? order : a.Counter.CompareTo(b.Counter);
    }
}
