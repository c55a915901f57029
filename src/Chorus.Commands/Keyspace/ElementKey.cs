using System.Buffers.Binary;
using System.IO.Hashing;

namespace Chorus.Commands.Keyspace;

/// <summary>
/// Keys of the elements column: an 8-byte big-endian collection id, then a sub-key whose shape
/// depends on the type (docs/storage-layout.md, "Elements"):
/// <list type="bullet">
/// <item>hash field, set member: <c>u32 xxHash32(name) | name</c> (hash order gives *SCAN a stable cursor);</item>
/// <item>sorted-set member: <c>0x00 | u32 xxHash32(member) | member</c> → score;</item>
/// <item>sorted-set score index: <c>0x01 | u64 sortable(score) | member</c> → empty;</item>
/// <item>list element: <c>u64 (index XOR 2^63)</c>;</item>
/// <item>stream item: <c>u8 kind | name</c> — an entry is <c>0x00 | u64 ms | u64 seq</c>.</item>
/// </list>
/// </summary>
public static class ElementKey
{
    public const int IdLength = sizeof(ulong);

    public const int NameHashLength = sizeof(uint);

    /// <summary>
    /// Element keys up to this length are built on the stack (ElementReads takes only the key's own
    /// length). 2 KiB, not less: members of 1 KiB are common (compare-redis.sh's SADD10K), and at
    /// 256 every read of one allocated its key — half of SADD10K's element read on the loop.
    /// </summary>
    public const int StackLengthMax = 2048;

    public const byte ScoreByMember = 0x00;

    public const byte MemberByScore = 0x01;

    public static uint NameHash(ReadOnlySpan<byte> name) => XxHash32.HashToUInt32(name);

    /// <summary>Length of a hash field's or set member's element key.</summary>
    public static int NamedLength(ReadOnlySpan<byte> name) => IdLength + NameHashLength + name.Length;

    public static void WriteNamed(Span<byte> destination, ulong id, ReadOnlySpan<byte> name)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, id);
        BinaryPrimitives.WriteUInt32BigEndian(destination[IdLength..], NameHash(name));
        name.CopyTo(destination[(IdLength + NameHashLength)..]);
    }

    public static byte[] Named(ulong id, ReadOnlySpan<byte> name)
    {
        var key = new byte[NamedLength(name)];
        WriteNamed(key, id, name);
        return key;
    }

    /// <summary>The name in a named sub-key (hash field, set member).</summary>
    public static ReadOnlySpan<byte> NameOf(ReadOnlySpan<byte> subKey) => subKey[NameHashLength..];

    /// <summary>The 32-bit hash group of a named sub-key.</summary>
    public static uint NameHashOf(ReadOnlySpan<byte> subKey) => BinaryPrimitives.ReadUInt32BigEndian(subKey);

    /// <summary>The first sub-key of the hash group <paramref name="hash"/>: a *SCAN cursor's seek target.</summary>
    public static byte[] NamedSeekTarget(uint hash)
    {
        var target = new byte[NameHashLength];
        BinaryPrimitives.WriteUInt32BigEndian(target, hash);
        return target;
    }

    public static int MemberLength(ReadOnlySpan<byte> member) => 1 + NamedLength(member);

    /// <summary>A sorted-set member's entry (→ its score).</summary>
    public static byte[] Member(ulong id, ReadOnlySpan<byte> member)
    {
        var key = new byte[MemberLength(member)];
        BinaryPrimitives.WriteUInt64BigEndian(key, id);
        key[IdLength] = ScoreByMember;
        BinaryPrimitives.WriteUInt32BigEndian(key.AsSpan(IdLength + 1), NameHash(member));
        member.CopyTo(key.AsSpan(IdLength + 1 + NameHashLength));
        return key;
    }

    /// <summary>A sorted set's (score, member) index entry.</summary>
    public static byte[] Score(ulong id, double score, ReadOnlySpan<byte> member)
    {
        var key = new byte[IdLength + 1 + 8 + member.Length];
        BinaryPrimitives.WriteUInt64BigEndian(key, id);
        key[IdLength] = MemberByScore;
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(IdLength + 1), SortableScore.Encode(score));
        member.CopyTo(key.AsSpan(IdLength + 1 + 8));
        return key;
    }

    /// <summary>A stream item's key: its kind, then its name (an entry's 16-byte id).</summary>
    public static byte[] Stream(ulong id, Logical.StreamItemKind kind, ReadOnlySpan<byte> name)
    {
        var key = new byte[IdLength + 1 + name.Length];
        BinaryPrimitives.WriteUInt64BigEndian(key, id);
        key[IdLength] = (byte)kind;
        name.CopyTo(key.AsSpan(IdLength + 1));
        return key;
    }

    /// <summary>A stream entry's sub-key (what a range scan seeks to).</summary>
    public static byte[] StreamEntrySubKey(Values.StreamId entry)
    {
        var subKey = new byte[1 + Values.StreamId.EncodedLength];
        subKey[0] = (byte)Logical.StreamItemKind.Entry;
        entry.WriteTo(subKey.AsSpan(1));
        return subKey;
    }

    /// <summary>A list element's key.</summary>
    public static byte[] ListIndex(ulong id, long index)
    {
        var key = new byte[IdLength + 8];
        BinaryPrimitives.WriteUInt64BigEndian(key, id);
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(IdLength), ListSubKey(index));
        return key;
    }

    /// <summary>A list index as a sub-key: sign bit flipped, so unsigned byte order is numeric order.</summary>
    public static ulong ListSubKey(long index) => (ulong)index ^ 0x8000_0000_0000_0000;

    public static long ListIndexOf(ReadOnlySpan<byte> subKey) => (long)(BinaryPrimitives.ReadUInt64BigEndian(subKey) ^ 0x8000_0000_0000_0000);

    /// <summary>The first key of collection <paramref name="id"/> (its id alone; no sub-key is empty).</summary>
    public static byte[] CollectionStart(ulong id)
    {
        var start = new byte[IdLength];
        BinaryPrimitives.WriteUInt64BigEndian(start, id);
        return start;
    }

    /// <summary>Just past every key of collection <paramref name="id"/>.</summary>
    public static byte[] CollectionEnd(ulong id) => CollectionStart(id + 1);

    public static ulong IdOf(ReadOnlySpan<byte> elementKey) => BinaryPrimitives.ReadUInt64BigEndian(elementKey);

    public static ReadOnlySpan<byte> SubKeyOf(ReadOnlySpan<byte> elementKey) => elementKey[IdLength..];
}
