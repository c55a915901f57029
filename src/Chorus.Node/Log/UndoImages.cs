using System.Buffers.Binary;
using Chorus.Core;
using Chorus.Storage;

namespace Chorus.Node;

/// <summary>
/// The row changes a statement entry made on this node, kept beside the log so the entry can be
/// rolled back: a statement says what to do, not what it replaced. Written in the batch that
/// appends the entry, deleted with it (truncation) or after it (retirement). Never sent in the
/// replication stream; a snapshot carries the ones of the entries it keeps (those not known to be
/// committed, see <see cref="SnapshotLog"/>), since the joiner can undo those entries only with
/// them. Entries of other kinds need none: a logical entry carries its own before-images.
/// <code>key := "statement-undo/" | u64be LSN;  value := logical payload (docs/storage-layout.md)</code>
/// </summary>
internal static class UndoImages
{
    private static readonly byte[] Prefix = MetaKeys.UndoImagePrefix;

    public static void Stage(IStorageBatch batch, Lsn lsn, ReadOnlySpan<byte> logicalPayload) =>
        batch.Put(StorageColumn.Meta, Key(lsn), logicalPayload);

    /// <summary>The undo images of the entry at <paramref name="lsn"/>, or null if it changed nothing here.</summary>
    public static byte[]? Read(IStorageEngine storage, Lsn lsn) => storage.Get(StorageColumn.Meta, Key(lsn));

    public static void DeleteAfter(IStorageBatch batch, Lsn keepThrough) =>
        batch.DeleteRange(StorageColumn.Meta, Key(keepThrough.Next), End);

    public static void DeleteThrough(IStorageBatch batch, Lsn through) =>
        batch.DeleteRange(StorageColumn.Meta, Key(Lsn.Zero), Key(through.Next));

    private static byte[] End { get; } = [.. Prefix, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];

    private static byte[] Key(Lsn lsn)
    {
        var key = new byte[Prefix.Length + 8];
        Prefix.CopyTo(key, 0);
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(Prefix.Length), lsn.Value);
        return key;
    }
}
