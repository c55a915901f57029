using System.Buffers;
using Chorus.Core.Encoding;
using Chorus.Core.Log;

namespace Chorus.Commands.Values;

/// <summary>
/// A string key's record with a version block: what a leaderless replica stores per key. The
/// body is the value a plain read shows (empty when the key reads as absent: a deletion kept for
/// its versions); the block is the family's, opaque here. Written from a
/// <see cref="KeyImage"/> and read back as one.
/// </summary>
public static class VersionedRecord
{
    public static byte[] Encode(KeyImage image)
    {
        var body = image.Body ?? [];
        var output = new ArrayBufferWriter<byte>(image.VersionBlock.Length + body.Length + 12);
        StoredValue.WriteHeader(output, DataType.String, 0, image.VersionBlock);
        new ByteWriter(output).WriteRaw(body);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The version block and body of a stored record; null for a record without a block (a value
    /// no replication family versioned). The body is returned even when empty: only the block
    /// says whether the key reads as absent.
    /// </summary>
    public static (byte[] Block, byte[] Body)? Read(ReadOnlySpan<byte> record)
    {
        var value = StoredValue.Parse(record);
        return value.HasVersionBlock ? (value.VersionBlock.ToArray(), value.Payload.ToArray()) : null;
    }
}
