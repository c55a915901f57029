using System.Buffers;
using Chorus.Core.Encoding;

namespace Chorus.Core.Log;

/// <summary>
/// A key's new stored image in a <see cref="PayloadKind.KeyImages"/> entry: its version block
/// (the replication family's versions, opaque here) and the body a plain read shows (null when
/// the key reads as absent, a deletion kept for its versions). An empty version block removes the
/// key's record altogether (a collected tombstone).
/// </summary>
public sealed record KeyImage(byte[] Key, byte[] VersionBlock, byte[]? Body);

/// <summary>
/// The payload of a <see cref="PayloadKind.KeyImages"/> entry: keys whose stored records a
/// node replaces with new images (a leaderless replica storing merged versions). Whole images,
/// so applying needs no read and the entry is its own change-data-capture record.
/// <code>
/// u8 format (1) | varint count | (len+key | len+version-block | u8 has-body | [len+body])*
/// </code>
/// </summary>
public static class KeyImagesPayload
{
    public const byte FormatVersion = 1;

    public static byte[] Encode(IReadOnlyList<KeyImage> images)
    {
        var output = new ArrayBufferWriter<byte>(64);
        var writer = new ByteWriter(output);
        writer.WriteByte(FormatVersion);
        writer.WriteVarUInt((ulong)images.Count);
        foreach (var image in images)
        {
            writer.WriteLengthPrefixed(image.Key);
            writer.WriteLengthPrefixed(image.VersionBlock);
            writer.WriteByte(image.Body is null ? (byte)0 : (byte)1);
            if (image.Body is not null)
            {
                writer.WriteLengthPrefixed(image.Body);
            }
        }
        return output.WrittenSpan.ToArray();
    }

    public static List<KeyImage> Decode(ReadOnlySpan<byte> payload)
    {
        var reader = new ByteReader(payload);
        FormatCheck.Version(reader.ReadByte(), FormatVersion, "key images payload");
        var count = reader.ReadLength();
        var images = new List<KeyImage>(count);
        for (var i = 0; i < count; i++)
        {
            var key = reader.ReadLengthPrefixed().ToArray();
            var block = reader.ReadLengthPrefixed().ToArray();
            var body = reader.ReadByte() switch
            {
                0 => null,
                1 => reader.ReadLengthPrefixed().ToArray(),
                var other => throw new CorruptDataException($"key image body tag {other} is neither 0 nor 1"),
            };
            images.Add(new KeyImage(key, block, body));
        }
        FormatCheck.End(reader, "key images payload");
        return images;
    }
}
