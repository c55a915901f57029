using System.Buffers.Binary;
using System.Text;

namespace Chorus.Storage.CrashWriter;

/// <summary>
/// The node's apply batch (DESIGN §3), reduced to what crash consistency is about: batch
/// <c>lsn</c> appends log record <c>lsn</c>, sets every data key to a value naming <c>lsn</c>,
/// and records <c>lsn</c> as applied. Shared by the writer and the test that checks its work.
/// </summary>
public static class ApplyBatchModel
{
    public const int DataKeyCount = 8;

    /// <summary>Log records vary in size up to this, so batches straddle WAL block boundaries.</summary>
    public const int LogPaddingBytesMax = 1000;

    public static ReadOnlySpan<byte> AppliedLsnKey => "applied-lsn"u8;

    public static void Fill(IStorageBatch batch, ulong lsn)
    {
        batch.Put(StorageColumn.Log, LogKey(lsn), LogRecord(lsn));
        for (var index = 0; index < DataKeyCount; index++)
        {
            batch.Put(StorageColumn.Data, DataKey(index), DataValue(lsn, index));
        }
        batch.Put(StorageColumn.Meta, AppliedLsnKey, Lsn(lsn));
    }

    /// <summary>The applied LSN recorded in the meta column, or 0 before the first batch.</summary>
    public static ulong ReadAppliedLsn(IStorageEngine engine) =>
        engine.Get(StorageColumn.Meta, AppliedLsnKey) is { } value ? BinaryPrimitives.ReadUInt64BigEndian(value) : 0;

    public static byte[] LogKey(ulong lsn) => Lsn(lsn);

    public static byte[] LogRecord(ulong lsn)
    {
        var record = new byte[sizeof(ulong) + (int)(lsn * 7919 % LogPaddingBytesMax)];
        BinaryPrimitives.WriteUInt64BigEndian(record, lsn);
        record.AsSpan(sizeof(ulong)).Fill((byte)lsn);
        return record;
    }

    public static byte[] DataKey(int index) => Encoding.ASCII.GetBytes($"key-{index}");

    public static byte[] DataValue(ulong lsn, int index) => Encoding.ASCII.GetBytes($"value of key-{index} at lsn {lsn}");

    private static byte[] Lsn(ulong lsn)
    {
        var bytes = new byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, lsn);
        return bytes;
    }
}
