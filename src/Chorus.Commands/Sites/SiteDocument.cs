using System.Buffers.Binary;
using Chorus.Core;
using Chorus.Core.Sites;

namespace Chorus.Commands.Sites;

/// <summary>
/// Which kind of value a part of a <see cref="SiteDocument"/> versions, and so how its elements
/// read: a string (one element, the whole plain record), a hash (field → value), a set (member →
/// present, add-wins), a sorted set (member → score) or a PN-counter (site → its contribution).
/// </summary>
public enum SitePart : byte
{
    String = 1,
    Hash = 2,
    Set = 3,
    SortedSet = 4,
    Counter = 5,
}

/// <summary>
/// Everything a multi-leader site knows of one key, element by element (the CRDT
/// bullet): per part, per element name, a <see cref="SiteKeyState"/> — the element's concurrent
/// versions, each with its own version vector. A string is a part with one element (the empty
/// name) holding the whole plain record; a hash's fields, a set's members, a sorted set's members
/// and a counter's per-site contributions are elements of their own, so concurrent writes to
/// different fields or members never conflict, and the same field written at two sites is a
/// conflict of that field alone.
/// <para>
/// Merging is per element (<see cref="SiteResolver"/>: keep the versions no other dominates), so it
/// is commutative, associative and idempotent, and a change may carry only the elements it wrote
/// (a delta). Which part a read shows is a function of the document (<see cref="Visible"/>), so
/// every site that holds the same document shows the same value.
/// </para>
/// </summary>
public sealed class SiteDocument
{
    /// <summary>The one element of a string part.</summary>
    public static readonly byte[] StringElement = [];

    private readonly SortedDictionary<SitePart, SortedDictionary<byte[], SiteKeyState>> _parts = [];

    public bool IsEmpty => _parts.Count == 0;

    public IEnumerable<SitePart> Parts => _parts.Keys;

    public IReadOnlyDictionary<byte[], SiteKeyState> Elements(SitePart part) =>
        _parts.TryGetValue(part, out var elements) ? elements : Empty;

    private static readonly SortedDictionary<byte[], SiteKeyState> Empty = new(ByteArrayComparer.Instance);

    public SiteKeyState? Get(SitePart part, byte[] name) =>
        _parts.TryGetValue(part, out var elements) && elements.TryGetValue(name, out var state) ? state : null;

    public void Set(SitePart part, byte[] name, SiteKeyState state)
    {
        if (!_parts.TryGetValue(part, out var elements))
        {
            _parts[part] = elements = new SortedDictionary<byte[], SiteKeyState>(ByteArrayComparer.Instance);
        }
        elements[name] = state;
    }

    public SiteDocument Copy()
    {
        var copy = new SiteDocument();
        foreach (var (part, elements) in _parts)
        {
            foreach (var (name, state) in elements)
            {
                copy.Set(part, name, state);
            }
        }
        return copy;
    }

    /// <summary>
    /// Whether an element holds a value a read shows: a set member is present when any of its
    /// concurrent versions added it (add-wins OR-set: a remove only removes the adds it saw);
    /// every other element shows its newest version, present unless that is a deletion.
    /// </summary>
    public static bool IsLive(SitePart part, SiteKeyState state) =>
        part == SitePart.Set ? state.Siblings.Any(static s => s.Value is not null) : state.Winner.Value is not null;

    /// <summary>The value a read shows of a live element (a set member's marker, a field's value, a score, a contribution).</summary>
    public static byte[] ValueOf(SitePart part, SiteKeyState state) =>
        part == SitePart.Set ? state.Siblings.First(static s => s.Value is not null).Value! : state.Winner.Value!;

    public IEnumerable<KeyValuePair<byte[], SiteKeyState>> LiveElements(SitePart part) =>
        Elements(part).Where(e => IsLive(part, e.Value));

    /// <summary>
    /// The part a read shows, or null when the key reads as absent. One part is live at a time
    /// after any local write (a write removes the other parts' elements it saw); only concurrent
    /// writes of different types leave two live, and then the one with the newest live version
    /// (last-write-wins order) shows — the same at every site.
    /// </summary>
    public SitePart? Visible()
    {
        SitePart? shown = null;
        SiteVersion? newest = null;
        foreach (var part in _parts.Keys)
        {
            foreach (var (_, state) in LiveElements(part))
            {
                foreach (var sibling in state.Siblings.Where(static s => s.Value is not null))
                {
                    if (newest is null || sibling.Version.WinsOver(newest))
                    {
                        (shown, newest) = (part, sibling.Version);
                    }
                }
            }
        }
        return shown;
    }

    /// <summary>
    /// A counter's value: the sum of every site's contribution, held at the 64-bit limits. Each
    /// site refuses an increment that would overflow what it sees, but concurrent increments at
    /// two sites can together pass 2^63; the sum then stays at the limit instead of wrapping round
    /// to the other sign (and an increment there is refused as Redis refuses one).
    /// </summary>
    public long CounterValue()
    {
        var sum = Elements(SitePart.Counter).Values.Aggregate(Int128.Zero, static (sum, state) => sum + Contribution(state));
        return (long)Int128.Clamp(sum, long.MinValue, long.MaxValue);
    }

    /// <summary>A site's contribution to a counter (0 when it has none).</summary>
    public static long Contribution(SiteKeyState? state) =>
        state?.Winner.Value is { Length: 8 } bytes ? BinaryPrimitives.ReadInt64LittleEndian(bytes) : 0;

    public static byte[] EncodeContribution(long total)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, total);
        return bytes;
    }

    /// <summary>
    /// An element's version with its value as a string record, as a client would read it (a
    /// field's value; a score as ZSCORE prints it): how the conflict log and CHORUS.SIBLINGS show it.
    /// </summary>
    public static SiteSibling AsRecord(SitePart part, SiteSibling sibling)
    {
        if (sibling.Value is not { } value || part is SitePart.String)
        {
            return sibling;
        }
        if (part == SitePart.SortedSet)
        {
            Span<byte> text = stackalloc byte[Data.SortedSets.ScoreText.LengthMax];
            value = text[..Data.SortedSets.ScoreText.Format(Keyspace.ScoreBytes.Decode(value), text)].ToArray();
        }
        else if (part == SitePart.Counter)
        {
            value = System.Text.Encoding.ASCII.GetBytes(Contribution(new SiteKeyState([sibling])).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        return sibling with { Value = Values.Records.String(value, 0) };
    }

    public override string ToString() =>
        string.Join("; ", _parts.SelectMany(p => p.Value.Select(e => $"{p.Key}:{System.Text.Encoding.Latin1.GetString(e.Key)}={e.Value}")));
}
