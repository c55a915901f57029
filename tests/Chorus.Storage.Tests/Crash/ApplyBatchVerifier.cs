using System.Buffers.Binary;
using System.Text;
using Chorus.Storage.CrashWriter;
using Chorus.Storage.RocksDb;

namespace Chorus.Storage.Tests.Crash;

/// <summary>
/// Checks that a database the crash writer left behind holds whole apply batches only: the data
/// keys, the log and the applied LSN all name the same last batch.
/// </summary>
public static class ApplyBatchVerifier
{
    /// <summary>Opens <paramref name="directory"/>, checks it, and returns its applied LSN.</summary>
    public static ulong Verify(string directory)
    {
        using var engine = RocksDbStorageEngine.Open(directory, RocksDbStorageOptions.Default);
        var applied = ApplyBatchModel.ReadAppliedLsn(engine);
        VerifyData(engine, applied);
        VerifyLog(engine, applied);
        return applied;
    }

    /// <summary>Every data key was written by the applied batch: never by a later or an earlier one.</summary>
    private static void VerifyData(IStorageEngine engine, ulong applied)
    {
        for (var index = 0; index < ApplyBatchModel.DataKeyCount; index++)
        {
            var expected = applied == 0 ? null : Text(ApplyBatchModel.DataValue(applied, index));
            Assert.Equal(expected, Text(engine.Get(StorageColumn.Data, ApplyBatchModel.DataKey(index))));
        }
    }

    /// <summary>The log holds records 1..applied, each whole, with no gap and nothing beyond.</summary>
    private static void VerifyLog(IStorageEngine engine, ulong applied)
    {
        using var iterator = engine.NewIterator(StorageColumn.Log);
        ulong expected = 1;
        for (iterator.SeekToFirst(); iterator.Valid; iterator.Next(), expected++)
        {
            Assert.Equal(sizeof(ulong), iterator.Key.Length);
            Assert.Equal(expected, BinaryPrimitives.ReadUInt64BigEndian(iterator.Key));
            Assert.True(
                iterator.Value.SequenceEqual(ApplyBatchModel.LogRecord(expected)),
                $"log record {expected} differs from what the writer wrote");
        }
        Assert.Equal(applied, expected - 1);
    }

    private static string? Text(byte[]? value) => value is null ? null : Encoding.ASCII.GetString(value);
}
