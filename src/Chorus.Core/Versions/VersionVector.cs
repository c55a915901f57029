using System.Text;

namespace Chorus.Core.Versions;

/// <summary>
/// A version vector (DDIA ch. 5, "Version vectors"): for each replica that has written, how many
/// of its writes this version has seen. It is the causal context a client reads and sends back
/// with its next write, and what multi-leader sites compare to tell a causally later change from
/// a concurrent one.
/// <para>
/// Immutable: operations return a new vector, so a vector can be shared by messages and records.
/// Entries are kept sorted by node id (ordinal) with counters above zero, so equal vectors have
/// equal entries and encode to equal bytes.
/// </para>
/// </summary>
public sealed class VersionVector : IEquatable<VersionVector>
{
    public static readonly VersionVector Empty = new([]);

    private readonly Dot[] _entries;

    private VersionVector(Dot[] entries) => _entries = entries;

    /// <summary>A vector with these entries (any order; zero counters are dropped; ids must be distinct).</summary>
    public static VersionVector From(IEnumerable<Dot> entries)
    {
        var sorted = entries.Where(e => e.Counter > 0).ToArray();
        Array.Sort(sorted, static (a, b) => CompareIds(a.Node, b.Node));
        for (var i = 1; i < sorted.Length; i++)
        {
            if (sorted[i].Node == sorted[i - 1].Node)
            {
                throw new ArgumentException($"node {sorted[i].Node} appears twice in a version vector");
            }
        }
        return sorted.Length == 0 ? Empty : new VersionVector(sorted);
    }

    /// <summary>Shorthand for tests and examples: <c>VersionVector.Of(("n1", 2), ("n2", 1))</c>.</summary>
    public static VersionVector Of(params (string Node, ulong Counter)[] entries) =>
        From(entries.Select(e => new Dot(new NodeId(e.Node), e.Counter)));

    /// <summary>Wraps entries that are already sorted, distinct and above zero (decoders, merges).</summary>
    internal static VersionVector FromSorted(Dot[] entries) => entries.Length == 0 ? Empty : new VersionVector(entries);

    /// <summary>The entries, sorted by node id; each is the latest event of that node seen.</summary>
    public ReadOnlySpan<Dot> Entries => _entries;

    public int Count => _entries.Length;

    public bool IsEmpty => _entries.Length == 0;

    /// <summary>How many of <paramref name="node"/>'s events this vector has seen (0 if none).</summary>
    public ulong this[NodeId node]
    {
        get
        {
            var i = IndexOf(node);
            return i >= 0 ? _entries[i].Counter : 0;
        }
    }

    /// <summary>Whether the event <paramref name="dot"/> is in this vector's causal history.</summary>
    public bool Contains(Dot dot) => this[dot.Node] >= dot.Counter;

    /// <summary>This vector plus the next event of <paramref name="node"/>.</summary>
    public VersionVector Increment(NodeId node) => With(node, checked(this[node] + 1));

    /// <summary>This vector with <paramref name="node"/>'s entry raised to at least <paramref name="counter"/>.</summary>
    public VersionVector With(NodeId node, ulong counter)
    {
        var i = IndexOf(node);
        if (i >= 0)
        {
            if (_entries[i].Counter >= counter)
            {
                return this;
            }
            var raised = (Dot[])_entries.Clone();
            raised[i] = new Dot(node, counter);
            return new VersionVector(raised);
        }
        if (counter == 0)
        {
            return this;
        }
        var insertAt = ~i;
        var grown = new Dot[_entries.Length + 1];
        _entries.AsSpan(0, insertAt).CopyTo(grown);
        grown[insertAt] = new Dot(node, counter);
        _entries.AsSpan(insertAt).CopyTo(grown.AsSpan(insertAt + 1));
        return new VersionVector(grown);
    }

    /// <summary>The pointwise maximum: everything either vector has seen.</summary>
    public VersionVector Merge(VersionVector other)
    {
        if (other.IsEmpty || ReferenceEquals(this, other))
        {
            return this;
        }
        if (IsEmpty)
        {
            return other;
        }
        var merged = new List<Dot>(Math.Max(_entries.Length, other._entries.Length));
        var (i, j) = (0, 0);
        while (i < _entries.Length || j < other._entries.Length)
        {
            var order = i == _entries.Length ? 1
                : j == other._entries.Length ? -1
                : CompareIds(_entries[i].Node, other._entries[j].Node);
            if (order < 0)
            {
                merged.Add(_entries[i++]);
            }
            else if (order > 0)
            {
                merged.Add(other._entries[j++]);
            }
            else
            {
                merged.Add(_entries[i].Counter >= other._entries[j].Counter ? _entries[i] : other._entries[j]);
                i++;
                j++;
            }
        }
        return new VersionVector([.. merged]);
    }

    /// <summary>How this version relates to <paramref name="other"/>.</summary>
    public CausalOrder Compare(VersionVector other)
    {
        var (some, none) = (false, false); // some entry of this is larger / some entry of other is larger
        var (i, j) = (0, 0);
        while ((i < _entries.Length || j < other._entries.Length) && !(some && none))
        {
            var order = i == _entries.Length ? 1
                : j == other._entries.Length ? -1
                : CompareIds(_entries[i].Node, other._entries[j].Node);
            if (order < 0)
            {
                some = true;
                i++;
            }
            else if (order > 0)
            {
                none = true;
                j++;
            }
            else
            {
                some |= _entries[i].Counter > other._entries[j].Counter;
                none |= _entries[i].Counter < other._entries[j].Counter;
                i++;
                j++;
            }
        }
        return (some, none) switch
        {
            (false, false) => CausalOrder.Equal,
            (true, false) => CausalOrder.After,
            (false, true) => CausalOrder.Before,
            _ => CausalOrder.Concurrent,
        };
    }

    /// <summary>Whether this vector has seen everything <paramref name="other"/> has (After or Equal).</summary>
    public bool Dominates(VersionVector other) => Compare(other) is CausalOrder.After or CausalOrder.Equal;

    public bool Equals(VersionVector? other) =>
        other is not null && _entries.AsSpan().SequenceEqual(other._entries);

    public override bool Equals(object? obj) => Equals(obj as VersionVector);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var entry in _entries)
        {
            hash.Add(entry);
        }
        return hash.ToHashCode();
    }

    public override string ToString()
    {
        var text = new StringBuilder("{");
        foreach (var entry in _entries)
        {
            text.Append(text.Length > 1 ? ", " : "").Append(entry.ToString());
        }
        return text.Append('}').ToString();
    }

    /// <summary>
    /// Parses what <see cref="ToString"/> writes (<c>{s1:2, s2:1}</c>; <c>{}</c> is empty): the
    /// causal context a client hands back (CHORUS.RESOLVE). False for anything else.
    /// </summary>
    public static bool TryParse(string text, out VersionVector vector)
    {
        vector = Empty;
        var trimmed = text.Trim();
        if (trimmed.Length < 2 || trimmed[0] != '{' || trimmed[^1] != '}')
        {
            return false;
        }
        var dots = new List<Dot>();
        foreach (var part in trimmed[1..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = part.LastIndexOf(':');
            if (colon <= 0 || !NodeId.TryParse(part[..colon], out var node)
                || !ulong.TryParse(part.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var counter)
                || counter == 0 || dots.Any(d => d.Node == node))
            {
                return false;
            }
            dots.Add(new Dot(node, counter));
        }
        vector = From(dots);
        return true;
    }

    /// <summary>The order entries are kept in (and encoded in): ordinal by id.</summary>
    public static int CompareIds(NodeId a, NodeId b) => string.CompareOrdinal(a.Value, b.Value);

    private int IndexOf(NodeId node) => SortedByNode.IndexOf<Dot>(_entries, node, static e => e.Node);
}
