using System.Buffers;
using Chorus.Core.Encoding;
using Chorus.Core.Versions;

namespace Chorus.Core.Sites;

/// <summary>
/// What a multi-leader site knows of one key: its concurrent values (siblings), never empty,
/// sorted so that <see cref="Winner"/> — the newest by last-write-wins order — comes first. Under
/// the lww policy a key has exactly one; under siblings, one per concurrent write not yet
/// resolved. <see cref="Context"/> (the merge of every sibling's clock) is what a write that has
/// seen them all must dominate.
/// <para>
/// Stored in the key's record (the record's version block, see <c>SiteRecord</c> in
/// Chorus.Commands): the winner's value is the record itself, so plain reads see it unchanged.
/// </para>
/// <code>
/// block   := u8 format (1) | varint n | sibling*          (the winner first)
/// sibling := len+clock | u64 hlc | len+site | u8 tag [len+value]   tag 0: deleted, 1: value, 2: the record's own body
/// </code>
/// </summary>
public sealed class SiteKeyState
{
    public const byte BlockFormat = 1;

    /// <summary>Siblings a key may hold; more concurrent writes than this keep the newest (the rest go to the conflict log).</summary>
    public const int SiblingsMax = 64;

    private const byte DeletedTag = 0;
    private const byte ValueTag = 1;
    private const byte InBodyTag = 2;

    public SiteKeyState(IEnumerable<SiteSibling> siblings)
    {
        var sorted = siblings.ToList();
        sorted.Sort(static (a, b) => a.Version.WinsOver(b.Version) ? -1 : b.Version.WinsOver(a.Version) ? 1 : 0);
        Invariant.That(sorted.Count > 0, "a key state holds at least one value");
        Siblings = sorted;
        Context = sorted.Aggregate(VersionVector.Empty, static (clock, s) => clock.Merge(s.Version.Clock));
    }

    public IReadOnlyList<SiteSibling> Siblings { get; }

    public SiteSibling Winner => Siblings[0];

    public VersionVector Context { get; }

    public bool HasConflict => Siblings.Count > 1;

    /// <summary>The block as a key record stores it: the winner's value is the record's body.</summary>
    public byte[] EncodeBlock() => EncodeBlock(winnerInBody: true);

    /// <summary>
    /// The block; with <paramref name="winnerInBody"/> false every value is inline (a collection
    /// element's versions, or versions travelling in a site change, have no record body to point at).
    /// </summary>
    public byte[] EncodeBlock(bool winnerInBody)
    {
        var output = new ArrayBufferWriter<byte>(32);
        var writer = new ByteWriter(output);
        writer.WriteByte(BlockFormat);
        writer.WriteVarUInt((ulong)Siblings.Count);
        for (var i = 0; i < Siblings.Count; i++)
        {
            var sibling = Siblings[i];
            writer.WriteLengthPrefixed(VersionVectorCodec.Encode(sibling.Version.Clock));
            writer.WriteUInt64LittleEndian(sibling.Version.Timestamp.Packed);
            ChangeHeader.WriteSite(writer, sibling.Version.Site);
            if (sibling.Value is null)
            {
                writer.WriteByte(DeletedTag);
            }
            else if (i == 0 && winnerInBody)
            {
                writer.WriteByte(InBodyTag);
            }
            else
            {
                writer.WriteByte(ValueTag);
                writer.WriteLengthPrefixed(sibling.Value);
            }
        }
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Decodes a block; <paramref name="body"/> is the winner's value when the block says it is in the record.</summary>
    public static SiteKeyState DecodeBlock(ReadOnlySpan<byte> block, byte[]? body)
    {
        var reader = new ByteReader(block);
        FormatCheck.Version(reader.ReadByte(), BlockFormat, "site version block");
        var count = reader.ReadLength(SiblingsMax);
        if (count == 0)
        {
            throw new CorruptDataException("a site version block with no values");
        }
        var siblings = new SiteSibling[count];
        for (var i = 0; i < count; i++)
        {
            var clock = VersionVectorCodec.Decode(reader.ReadLengthPrefixed());
            var timestamp = new HlcTimestamp(reader.ReadUInt64LittleEndian());
            var site = ChangeHeader.ReadSite(ref reader);
            var value = reader.ReadByte() switch
            {
                DeletedTag => null,
                ValueTag => reader.ReadLengthPrefixed().ToArray(),
                InBodyTag when i == 0 && body is not null => body,
                var tag => throw new CorruptDataException($"site version block: bad value tag {tag} for value {i}"),
            };
            siblings[i] = new SiteSibling(new SiteVersion(clock, timestamp, site), value);
        }
        FormatCheck.End(reader, "site version block");
        var state = new SiteKeyState(siblings);
        if (!state.Siblings.SequenceEqual(siblings))
        {
            throw new CorruptDataException("site version block: values are not in last-write-wins order");
        }
        return state;
    }

    public override string ToString() => string.Join(" | ", Siblings.Select(s => s.Version.ToString()));
}
