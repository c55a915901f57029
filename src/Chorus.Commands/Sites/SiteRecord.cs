using Chorus.Commands.Values;
using Chorus.Core;
using Chorus.Core.Sites;
using Chorus.Core.Versions;

namespace Chorus.Commands.Sites;

/// <summary>
/// The storage seam of multi-leader versions: a key's <see cref="SiteKeyState"/> lives in its
/// key record (docs/storage-layout.md) — the winner's value is the record (so reads need nothing
/// new), the rest in the record's version block (flags bit 1); a key whose winner is a deletion is
/// a tombstone record (flags bit 2) that every read treats as absent. Everything that reads or
/// writes versions goes through here and <see cref="KeyRecord"/>/<see cref="Records"/>.
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
        var value = KeyRecord.ParseImage(record);
        if (!value.HasVersionBlock)
        {
            return new SiteKeyState([new SiteSibling(new SiteVersion(VersionVector.Empty, HlcTimestamp.Zero, localSite), record)]);
        }
        return SiteKeyState.DecodeBlock(value.VersionBlock, value.IsTombstone ? null : Records.WithVersionBlock(record, default));
    }

    /// <summary>The record that stores <paramref name="state"/>.</summary>
    public static byte[] Encode(SiteKeyState state)
    {
        var block = state.EncodeBlock();
        return state.Winner.Value is { } winner ? Records.WithVersionBlock(winner, block) : Records.Tombstone(block);
    }

    /// <summary>A record without its version metadata (null for a tombstone): the value a sibling keeps.</summary>
    public static byte[]? Plain(byte[]? record)
    {
        if (record is null)
        {
            return null;
        }
        var value = KeyRecord.ParseImage(record);
        return value.IsTombstone ? null : value.HasVersionBlock ? Records.WithVersionBlock(record, default) : record;
    }
}
