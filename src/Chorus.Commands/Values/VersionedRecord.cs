using Chorus.Core;
using Chorus.Core.Log;

namespace Chorus.Commands.Values;

/// <summary>
/// A string key's record with a version block: what a leaderless replica stores per key. The
/// body is the value a plain read shows (empty when the key reads as absent: a deletion kept for
/// its versions); the block is the family's, opaque here. Written from a
/// <see cref="KeyImage"/> and read back as one. The bytes are <see cref="Records"/>' and
/// <see cref="KeyRecord"/>'s (docs/storage-layout.md, "Key records"): this class only says which
/// records are versions.
/// </summary>
public static class VersionedRecord
{
    public static byte[] Encode(KeyImage image)
    {
        Invariant.That(image.VersionBlock.Length > 0, "a versioned record has a version block");
        return Records.String(image.Body ?? [], expiresAtMs: 0, image.VersionBlock);
    }

    /// <summary>
    /// The version block and body of a stored record; null for a record without a block (a value
    /// no replication family versioned) or one that is not a string. The body is returned even
    /// when empty: only the block says whether the key reads as absent.
    /// </summary>
    public static (byte[] Block, byte[] Body)? Read(ReadOnlySpan<byte> record)
    {
        var parsed = KeyRecord.Parse(record);
        return parsed.IsCollection || parsed.VersionBlock.IsEmpty ? null : (parsed.VersionBlock.ToArray(), parsed.Payload.ToArray());
    }
}
