using System.Buffers.Binary;
using Chorus.Storage.Tests.Support;

namespace Chorus.Storage.Tests.Conformance;

/// <summary>Both engines: Sync from another thread, and size accounting.</summary>
public sealed class SyncAndSizeTests
{
    /// <summary>
    /// The everysec policy (DESIGN §3) calls Sync from a background syncer while the apply loop
    /// writes, some batches synced themselves.
    /// </summary>
    [Theory, ClassData(typeof(AllEngines))]
    public async Task Sync_may_run_on_another_thread_while_batches_are_written(EngineKind kind)
    {
        using var harness = new EngineHarness(kind);
        var engine = harness.Engine;
        const int BatchCount = 2_000;
        var writing = true;
        var syncing = new TaskCompletionSource();
        var syncs = 0;
        var syncer = Task.Run(() =>
        {
            while (Volatile.Read(ref writing))
            {
                engine.Sync();
                syncs++;
                syncing.TrySetResult();
            }
        }, TestContext.Current.CancellationToken);
        await syncing.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        for (var i = 0; i < BatchCount; i++)
        {
            using var batch = engine.NewBatch();
            batch.Put(StorageColumn.Log, Lsn(i), Lsn(i));
            engine.Write(batch, sync: i % 100 == 0);
        }
        Volatile.Write(ref writing, false);
        await syncer;

        Assert.Equal(BatchCount, engine.KeysForward(StorageColumn.Log).Count);
    }

    [Theory, ClassData(typeof(AllEngines))]
    public void ApproximateSize_grows_with_the_data_of_its_own_column(EngineKind kind)
    {
        using var harness = new EngineHarness(kind);
        var engine = harness.Engine;
        const long MiB = 1 << 20;
        Assert.True(engine.ApproximateSize(StorageColumn.Data) < MiB / 4);

        WriteRandomValues(engine, StorageColumn.Data, totalBytes: MiB);

        var data = engine.ApproximateSize(StorageColumn.Data);
        var log = engine.ApproximateSize(StorageColumn.Log);
        Assert.True(data >= MiB / 2, $"data column reports {data} bytes after 1 MiB was written");
        Assert.True(log < MiB / 4, $"log column reports {log} bytes with nothing written");
    }

    private static void WriteRandomValues(IStorageEngine engine, StorageColumn column, long totalBytes)
    {
        var random = new Random(1);
        using var batch = engine.NewBatch();
        for (var i = 0; i < totalBytes / 1024; i++)
        {
            var value = new byte[1024];
            random.NextBytes(value);
            batch.Put(column, Lsn(i), value);
        }
        engine.Write(batch, sync: false);
    }

    private static byte[] Lsn(int value)
    {
        var bytes = new byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, (ulong)value);
        return bytes;
    }
}
