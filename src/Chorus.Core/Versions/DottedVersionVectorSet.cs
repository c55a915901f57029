namespace Chorus.Core.Versions;

/// <summary>
/// One key's concurrent values (siblings) and its causal context, as a dotted version vector set
/// (Preguiça et al., "Dotted Version Vectors: Logical Clocks for Optimistic Replication"; the
/// compact form Riak calls DVVSet). This is the leaderless family's per-key version and the
/// multi-value register behind multi-leader's <c>siblings</c> policy.
/// <para>
/// For each replica id the set keeps a counter n (it has seen that replica's events 1..n) and
/// the values of the replica's events still alive, newest first: value j has the dot (id, n − j).
/// Alive events of one id are always a suffix of 1..n, so a dot never needs storing twice.
/// Unlike a version vector per key, a dot names the write itself rather than the replica that
/// coordinated it, so two clients writing through one coordinator stay distinguishable
/// (no false conflicts, no lost updates; see <see cref="PlainVersionVectorSet{T}"/>).
/// </para>
/// <para>
/// A value leaves the set only when a version that saw its dot replaces it (a write whose client
/// context contains the dot, or a merge with a replica that has such a write). Deleting a key is
/// writing a tombstone value; dropping the whole set would let counters restart and new writes
/// be mistaken for known ones. Immutable: every operation returns a new set.
/// </para>
/// </summary>
public sealed class DottedVersionVectorSet<T>
{
    public static readonly DottedVersionVectorSet<T> Empty = new([]);

    private readonly Entry[] _entries;

    private DottedVersionVectorSet(Entry[] entries) => _entries = entries;

    /// <summary>One replica's counter and its still-alive values, newest first.</summary>
    internal readonly record struct Entry(NodeId Node, ulong Counter, T[] Values);

    internal static DottedVersionVectorSet<T> FromSorted(Entry[] entries) => entries.Length == 0 ? Empty : new(entries);

    internal ReadOnlySpan<Entry> Entries => _entries;

    /// <summary>The concurrent values, each with the dot of the write that made it.</summary>
    public IReadOnlyList<Sibling<T>> Siblings
    {
        get
        {
            var siblings = new List<Sibling<T>>(SiblingCount);
            foreach (var entry in _entries)
            {
                for (var j = 0; j < entry.Values.Length; j++)
                {
                    siblings.Add(new Sibling<T>(new Dot(entry.Node, entry.Counter - (ulong)j), entry.Values[j]));
                }
            }
            return siblings;
        }
    }

    public IEnumerable<T> Values => _entries.SelectMany(e => e.Values);

    public int SiblingCount => _entries.Sum(e => e.Values.Length);

    public bool IsEmpty => _entries.Length == 0;

    /// <summary>
    /// Everything this set has seen: the context a read returns to the client, which the client
    /// sends back with its next write to say which siblings that write replaces.
    /// </summary>
    public VersionVector Context => VersionVector.FromSorted([.. _entries.Select(e => new Dot(e.Node, e.Counter))]);

    /// <summary>
    /// A write coordinated by <paramref name="coordinator"/>: the client read
    /// <paramref name="clientContext"/> (empty for a blind write) and writes <paramref name="value"/>.
    /// Siblings the client had seen are replaced; siblings it had not seen stay beside the new value.
    /// The new value's dot is the coordinator's next event.
    /// </summary>
    public DottedVersionVectorSet<T> Update(VersionVector clientContext, T value, NodeId coordinator)
    {
        var kept = new List<Entry>(_entries.Length + 1);
        var coordinatorSeen = false;
        foreach (var entry in Discard(clientContext)._entries)
        {
            if (entry.Node == coordinator)
            {
                coordinatorSeen = true;
                var counter = checked(Math.Max(entry.Counter, clientContext[coordinator]) + 1);
                kept.Add(new Entry(coordinator, counter, [value, .. entry.Values]));
            }
            else
            {
                kept.Add(entry);
            }
        }
        if (!coordinatorSeen)
        {
            kept.Add(new Entry(coordinator, checked(clientContext[coordinator] + 1), [value]));
            kept.Sort(static (a, b) => VersionVector.CompareIds(a.Node, b.Node));
        }
        return new DottedVersionVectorSet<T>([.. kept]);
    }

    /// <summary>
    /// This set with every sibling whose dot <paramref name="context"/> contains removed, and the
    /// context raised to include <paramref name="context"/>: what a replica knows after learning
    /// that a client who saw <paramref name="context"/> overwrote it.
    /// </summary>
    public DottedVersionVectorSet<T> Discard(VersionVector context)
    {
        if (context.IsEmpty)
        {
            return this;
        }
        var result = new List<Entry>(_entries.Length + context.Count);
        var (i, j) = (0, 0);
        var contextEntries = context.Entries;
        while (i < _entries.Length || j < contextEntries.Length)
        {
            var order = i == _entries.Length ? 1
                : j == contextEntries.Length ? -1
                : VersionVector.CompareIds(_entries[i].Node, contextEntries[j].Node);
            if (order < 0)
            {
                result.Add(_entries[i++]);
            }
            else if (order > 0)
            {
                result.Add(new Entry(contextEntries[j].Node, contextEntries[j].Counter, []));
                j++;
            }
            else
            {
                var (entry, seen) = (_entries[i++], contextEntries[j++].Counter);
                var alive = entry.Counter > seen ? (int)Math.Min((ulong)entry.Values.Length, entry.Counter - seen) : 0;
                result.Add(new Entry(entry.Node, Math.Max(entry.Counter, seen), entry.Values[..alive]));
            }
        }
        return new DottedVersionVectorSet<T>([.. result]);
    }

    /// <summary>
    /// Synchronises two replicas' sets (anti-entropy, read repair, a replica receiving a write):
    /// a sibling survives unless the other set has seen its dot and no longer holds it, so
    /// concurrent siblings are all kept and superseded ones are pruned. Commutative, associative
    /// and idempotent.
    /// </summary>
    public DottedVersionVectorSet<T> Merge(DottedVersionVectorSet<T> other)
    {
        if (ReferenceEquals(this, other) || other.IsEmpty)
        {
            return this;
        }
        if (IsEmpty)
        {
            return other;
        }
        var result = new List<Entry>(Math.Max(_entries.Length, other._entries.Length));
        var (i, j) = (0, 0);
        while (i < _entries.Length || j < other._entries.Length)
        {
            var order = i == _entries.Length ? 1
                : j == other._entries.Length ? -1
                : VersionVector.CompareIds(_entries[i].Node, other._entries[j].Node);
            if (order < 0)
            {
                result.Add(_entries[i++]);
            }
            else if (order > 0)
            {
                result.Add(other._entries[j++]);
            }
            else
            {
                result.Add(MergeEntry(_entries[i++], other._entries[j++]));
            }
        }
        return new DottedVersionVectorSet<T>([.. result]);
    }

    /// <summary>
    /// The same dots and context with each value mapped (for example to store one sibling's
    /// bytes elsewhere): causality is untouched, only the payloads change.
    /// </summary>
    public DottedVersionVectorSet<TResult> Select<TResult>(Func<Dot, T, TResult> map)
    {
        var entries = new DottedVersionVectorSet<TResult>.Entry[_entries.Length];
        for (var i = 0; i < _entries.Length; i++)
        {
            var entry = _entries[i];
            var values = new TResult[entry.Values.Length];
            for (var j = 0; j < values.Length; j++)
            {
                values[j] = map(new Dot(entry.Node, entry.Counter - (ulong)j), entry.Values[j]);
            }
            entries[i] = new DottedVersionVectorSet<TResult>.Entry(entry.Node, entry.Counter, values);
        }
        return DottedVersionVectorSet<TResult>.FromSorted(entries);
    }

    /// <summary>
    /// Whether both sets hold the same dots and context, hence the same values (a dot names one
    /// write). Read repair sends the merged set to every replica whose set is not the same.
    /// </summary>
    public bool SameVersionsAs(DottedVersionVectorSet<T> other)
    {
        if (_entries.Length != other._entries.Length)
        {
            return false;
        }
        for (var i = 0; i < _entries.Length; i++)
        {
            var (a, b) = (_entries[i], other._entries[i]);
            if (a.Node != b.Node || a.Counter != b.Counter || a.Values.Length != b.Values.Length)
            {
                return false;
            }
        }
        return true;
    }

    public override string ToString() =>
        $"[{string.Join(", ", Siblings.Select(s => $"{s.Dot}={s.Value}"))}] {Context}";

    /// <summary>
    /// One replica id's events in both sets: the larger counter wins, and an event stays alive
    /// only if it is alive in every set that has seen it. Alive events are the suffix
    /// (max(n1 − len1, n2 − len2), max(n1, n2)].
    /// </summary>
    private static Entry MergeEntry(Entry a, Entry b)
    {
        if (a.Counter < b.Counter)
        {
            (a, b) = (b, a);
        }
        var aOldestAlive = a.Counter - (ulong)a.Values.Length; // events up to here are dead in a
        var bOldestAlive = b.Counter - (ulong)b.Values.Length;
        if (aOldestAlive >= bOldestAlive)
        {
            return a;
        }
        var alive = (int)(a.Counter - bOldestAlive);
        return new Entry(a.Node, a.Counter, a.Values[..alive]);
    }
}

/// <summary>One concurrent value of a key and the dot of the write that made it.</summary>
public readonly record struct Sibling<T>(Dot Dot, T Value);
