using Chorus.Core;
using Chorus.Storage;

namespace Chorus.Commands.Physical;

/// <summary>
/// What a follower checks before it writes a physical entry's bytes: the entry was written for
/// this node's storage format version (the rolling-upgrade problem of WAL shipping), and this
/// node holds, under every key the entry writes, what the leader held (its physical database
/// ids and collection ids are the leader's). Either failure refuses the stream.
/// </summary>
public static class PhysicalStreamCheck
{
    /// <summary>Throws <see cref="PhysicalStreamRefusedException"/> when the entry at <paramref name="lsn"/> was written for another storage format.</summary>
    public static void Version(Lsn lsn, ReadOnlySpan<byte> payload, uint localVersion)
    {
        var version = PhysicalPayload.ReadStorageFormatVersion(payload);
        if (version != localVersion)
        {
            throw new PhysicalStreamRefusedException(
                $"physical log entry at LSN {lsn} was written for storage format version {version}, but this node's storage format is version {localVersion}; " +
                "WAL shipping needs the same storage format on every node: switch the cluster to the logical format for the upgrade " +
                "(CONFIG SET log-format logical on the leader), or re-bootstrap this node (docs/log-formats.md)");
        }
    }

    /// <summary>Throws <see cref="PhysicalStreamRefusedException"/> when this node's state under the entry's keys is not the leader's.</summary>
    public static void Layout(Lsn lsn, PhysicalBatch entry, IStorageEngine storage)
    {
        var local = PhysicalApplier.BeforeDigest(storage, entry.Ops);
        if (local != entry.BeforeDigest)
        {
            throw new PhysicalStreamRefusedException(
                $"physical log entry at LSN {lsn} does not fit this node's storage layout (the leader's digest of the keys it writes is {entry.BeforeDigest:x16}, this node's {local:x16}): " +
                "its physical database ids or collection ids are not the leader's; re-bootstrap this node from a snapshot, " +
                "or switch the cluster to the logical format (docs/log-formats.md)");
        }
    }
}
