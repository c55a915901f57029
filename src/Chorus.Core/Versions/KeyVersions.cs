using System.Buffers;
using Chorus.Core.Encoding;

namespace Chorus.Core.Versions;

/// <summary>
/// A leaderless key's versions — a <see cref="DottedVersionVectorSet{T}"/> of
/// <see cref="VersionedValue"/>s — and their two binary forms:
/// <list type="bullet">
/// <item>the <b>wire form</b> (<see cref="Encode"/>): every sibling with its bytes; canonical, so
/// it is also what a key's Merkle digest hashes and what replicas exchange;</item>
/// <item>the <b>record form</b> (<see cref="ToRecord"/>): what a key's stored record holds — the
/// version block (the set, with the <see cref="Winner"/>'s bytes left out) and the record body
/// (the winner's bytes), so the value a plain read shows is stored once.</item>
/// </list>
/// <code>
/// sibling := u8 tag | varint hlc | [varint expiresAtMs] | [len+bytes]
///              tag 0: tombstone, 1: value, 2: value in the record body (record form only),
///              3 and 4: 1 and 2 with an expiry (a sibling without one keeps its old bytes)
/// block   := u8 format (1) | DVV set of siblings (DottedVersionVectorSetCodec)
/// </code>
/// </summary>
public static class KeyVersions
{
    public const byte BlockFormat = 1;

    private const byte TombstoneTag = 0;
    private const byte ValueTag = 1;
    private const byte InBodyTag = 2;
    private const byte ExpiringValueTag = 3;
    private const byte ExpiringInBodyTag = 4;

    /// <summary>The siblings of a key with no versions yet.</summary>
    public static DottedVersionVectorSet<VersionedValue> Empty => DottedVersionVectorSet<VersionedValue>.Empty;

    /// <summary>Siblings as they travel between replicas (tags 0 and 1).</summary>
    public static readonly ValueCodec<VersionedValue> WireValues = new(
        static (writer, value) => WriteSibling(writer, value, inBody: false),
        static (ref reader) => ReadSibling(ref reader, allowInBody: false).Value);

    private static readonly ValueCodec<(VersionedValue Value, bool InBody)> RecordValues = new(
        static (writer, sibling) => WriteSibling(writer, sibling.Value, sibling.InBody),
        static (ref reader) => ReadSibling(ref reader, allowInBody: true));

    public static byte[] Encode(DottedVersionVectorSet<VersionedValue> set) => DottedVersionVectorSetCodec.Encode(set, WireValues);

    public static DottedVersionVectorSet<VersionedValue> Decode(ReadOnlySpan<byte> encoded) => DottedVersionVectorSetCodec.Decode(encoded, WireValues);

    /// <summary>
    /// The sibling a client that wants one value gets: the newest by HLC timestamp, ties broken by
    /// dot (node id, then counter), so every replica picks the same one. It may be a tombstone
    /// (the key reads as absent). Null for a key with no siblings.
    /// </summary>
    public static Sibling<VersionedValue>? Winner(DottedVersionVectorSet<VersionedValue> set)
    {
        Sibling<VersionedValue>? best = null;
        foreach (var sibling in set.Siblings)
        {
            if (best is not { } current || Newer(sibling, current))
            {
                best = sibling;
            }
        }
        return best;
    }

    /// <summary>Whether a plain read of the key finds a value (its winner is not a tombstone).</summary>
    public static bool IsLive(DottedVersionVectorSet<VersionedValue> set) => Winner(set) is { Value.IsTombstone: false };

    /// <summary>
    /// The key as a client sees it at <paramref name="nowMs"/>: every sibling past its expiry
    /// reads as a deletion made by that write (same dot, same timestamp — so the newest write still
    /// wins, as under last-write-wins: a newer value that expired hides an older concurrent one).
    /// The dots and the context are unchanged, so a write with this context replaces what it saw.
    /// </summary>
    public static DottedVersionVectorSet<VersionedValue> Visible(DottedVersionVectorSet<VersionedValue> set, long nowMs) =>
        set.Values.Any(v => v.IsExpiredAt(nowMs))
            ? set.Select((_, value) => value.IsExpiredAt(nowMs) ? VersionedValue.Tombstone(value.Timestamp) : value)
            : set;

    /// <summary>
    /// When every value of the key will have expired: the latest expiry among its values, or 0 when
    /// one of them has none (or there is no value at all) — the key never expires as a whole.
    /// </summary>
    public static long AllExpireAtMs(DottedVersionVectorSet<VersionedValue> set)
    {
        var latest = 0L;
        foreach (var value in set.Values)
        {
            if (value.IsTombstone)
            {
                continue;
            }
            if (!value.HasExpiry)
            {
                return 0;
            }
            latest = Math.Max(latest, value.ExpiresAtMs);
        }
        return latest;
    }

    /// <summary>The stored record's version block and body (the winner's bytes; null when the key reads as absent).</summary>
    public static (byte[] Block, byte[]? Body) ToRecord(DottedVersionVectorSet<VersionedValue> set)
    {
        var winner = Winner(set);
        var body = winner is { Value.IsTombstone: false } live ? live.Value.Bytes : null;
        var marked = set.Select((dot, value) => (value, body is not null && dot == winner!.Value.Dot));
        var output = new ArrayBufferWriter<byte>(32);
        new ByteWriter(output).WriteByte(BlockFormat);
        DottedVersionVectorSetCodec.Write(output, marked, RecordValues);
        return (output.WrittenSpan.ToArray(), body);
    }

    /// <summary>The set a stored record holds; refuses a block whose in-body sibling does not match the body.</summary>
    public static DottedVersionVectorSet<VersionedValue> FromRecord(ReadOnlySpan<byte> block, ReadOnlySpan<byte> body)
    {
        var reader = new ByteReader(block);
        FormatCheck.Version(reader.ReadByte(), BlockFormat, "key version block");
        var marked = DottedVersionVectorSetCodec.Decode(reader.Rest, RecordValues);
        var bodyCopy = body.ToArray();
        var inBody = 0;
        var set = marked.Select((_, sibling) =>
        {
            if (!sibling.InBody)
            {
                return sibling.Value;
            }
            inBody++;
            return sibling.Value with { Bytes = bodyCopy };
        });
        if (inBody > 1)
        {
            throw new CorruptDataException($"{inBody} siblings claim the record body");
        }
        return set;
    }

    private static bool Newer(Sibling<VersionedValue> a, Sibling<VersionedValue> b)
    {
        var order = a.Value.Timestamp.CompareTo(b.Value.Timestamp);
        order = order != 0 ? order : VersionVector.CompareIds(a.Dot.Node, b.Dot.Node);
        return order != 0 ? order > 0 : a.Dot.Counter > b.Dot.Counter;
    }

    private static void WriteSibling(ByteWriter writer, VersionedValue value, bool inBody)
    {
        var expiring = !value.IsTombstone && value.HasExpiry;
        writer.WriteByte(value.IsTombstone ? TombstoneTag
            : inBody ? (expiring ? ExpiringInBodyTag : InBodyTag)
            : expiring ? ExpiringValueTag : ValueTag);
        writer.WriteVarUInt(value.Timestamp.Packed);
        if (expiring)
        {
            writer.WriteVarUInt((ulong)value.ExpiresAtMs);
        }
        if (!value.IsTombstone && !inBody)
        {
            writer.WriteLengthPrefixed(value.Bytes);
        }
    }

    private static (VersionedValue Value, bool InBody) ReadSibling(ref ByteReader reader, bool allowInBody)
    {
        var tag = reader.ReadByte();
        var timestamp = new HlcTimestamp(reader.ReadVarUInt());
        var expiresAtMs = tag is ExpiringValueTag or ExpiringInBodyTag ? ReadExpiry(ref reader) : 0;
        return tag switch
        {
            TombstoneTag => (VersionedValue.Tombstone(timestamp), false),
            ValueTag or ExpiringValueTag => (new VersionedValue(reader.ReadLengthPrefixed().ToArray(), timestamp, expiresAtMs), false),
            InBodyTag or ExpiringInBodyTag when allowInBody => (new VersionedValue([], timestamp, expiresAtMs), true),
            _ => throw new CorruptDataException($"sibling tag {tag} is not a tombstone (0) or a value (1, 3{(allowInBody ? ", 2, 4" : "")})"),
        };
    }

    private static long ReadExpiry(ref ByteReader reader)
    {
        var expiresAtMs = reader.ReadVarUInt();
        return expiresAtMs is 0 or > long.MaxValue
            ? throw new CorruptDataException($"sibling expiry {expiresAtMs} is not a positive Unix time in ms")
            : (long)expiresAtMs;
    }
}
