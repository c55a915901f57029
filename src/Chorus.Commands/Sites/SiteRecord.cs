using System.Buffers;
using Chorus.Commands.Values;
using Chorus.Core;
using Chorus.Core.Encoding;
using Chorus.Core.Sites;
using Chorus.Core.Versions;

namespace Chorus.Commands.Sites;

/// <summary>
/// The storage seam of multi-leader versions: a key's <see cref="SiteKeyState"/> lives in its
/// stored record — the winner's value is the record (so reads need nothing new), the rest in the
/// record's version block; a key whose winner is a deletion is a tombstone record that every read
/// treats as absent. Everything that reads or writes versions goes through here, so moving the
/// block into storage format 2's key record (flags bit 1; the tombstone becomes a flag bit of
/// its own) changes this file and <see cref="StoredValue"/> only.
/// </summary>
public static class SiteRecord
{
    /// <summary>
    /// The versions of a stored record; null when there is none. A record without a version block
    /// (written before the key was versioned) counts as one value that every versioned write
    /// supersedes: its clock is empty.
    /// </summary>
    public static SiteKeyState? StateOf(byte[]? record, NodeId localSite)
    {
        if (record is null)
        {
            return null;
        }
        var value = StoredValue.Parse(record);
        if (!value.HasVersionBlock)
        {
            return new SiteKeyState([new SiteSibling(new SiteVersion(VersionVector.Empty, HlcTimestamp.Zero, localSite), record)]);
        }
        return SiteKeyState.DecodeBlock(value.VersionBlock, value.IsTombstone ? null : Plain(value));
    }

    /// <summary>The record that stores <paramref name="state"/>.</summary>
    public static byte[] Encode(SiteKeyState state)
    {
        var block = state.EncodeBlock();
        var output = new ArrayBufferWriter<byte>(block.Length + (state.Winner.Value?.Length ?? 0) + 8);
        if (state.Winner.Value is not { } winner)
        {
            StoredValue.WriteHeader(output, DataType.String, 0, block, tombstone: true);
            return output.WrittenSpan.ToArray();
        }
        var value = StoredValue.Parse(winner);
        StoredValue.WriteHeader(output, value.Type, value.ExpiresAtMs, block);
        new ByteWriter(output).WriteRaw(value.Payload);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>A record without its version metadata (null for a tombstone): the value a sibling keeps.</summary>
    public static byte[]? Plain(byte[]? record)
    {
        if (record is null)
        {
            return null;
        }
        var value = StoredValue.Parse(record);
        return value.IsTombstone ? null : value.HasVersionBlock ? Plain(value) : record;
    }

    private static byte[] Plain(StoredValue value)
    {
        var output = new ArrayBufferWriter<byte>(value.Payload.Length + 8);
        StoredValue.WriteHeader(output, value.Type, value.ExpiresAtMs);
        new ByteWriter(output).WriteRaw(value.Payload);
        return output.WrittenSpan.ToArray();
    }
}
