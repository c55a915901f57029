using Chorus.Storage.InMemory;
using Chorus.Storage.RocksDb;
using Chorus.Storage.Tests.Support;

namespace Chorus.Storage.Tests.RocksDb;

/// <summary>
/// The element cache in front of the elements column's point reads (RocksDbStorageOptions.ElementCacheBytes),
/// next to the record cache of the data column: each follows its own column's puts, deletes and
/// range deletions, neither answers for the other column (the same key bytes in both columns are
/// different entries), and a reopened directory reads what was written.
/// </summary>
public sealed class ElementCacheTests(ITestOutputHelper output) : IDisposable
{
    private static readonly StorageColumn[] CachedColumns = [StorageColumn.Data, StorageColumn.Elements];

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    /// <summary>
    /// Random batches over both columns (the same keys in each), with caches small enough to turn
    /// over many times, read back after every batch against the in-memory engine.
    /// </summary>
    [Theory]
    [InlineData(0, 4096)]
    [InlineData(4096, 0)]
    [InlineData(4096, 4096)]
    [InlineData(32L << 20, 32L << 20)]
    public void Reads_of_both_columns_match_the_in_memory_engine_after_every_batch(long recordCacheBytes, long elementCacheBytes)
    {
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}, record cache {recordCacheBytes} bytes, element cache {elementCacheBytes} bytes");
        var random = new Random(seed);
        using var engine = RocksDbStorageEngine.Open(_directory.Path, RocksDbStorageOptions.Default with { RecordCacheBytes = recordCacheBytes, ElementCacheBytes = elementCacheBytes });
        using var model = new InMemoryStorageEngine();
        var keys = Enumerable.Range(0, 200).Select(i => EngineExtensions.Bytes($"k{i:D3}")).ToArray();
        for (var round = 0; round < 300; round++)
        {
            using var batch = engine.NewBatch();
            using var expected = model.NewBatch();
            for (var op = random.Next(1, 8); op > 0; op--)
            {
                var column = CachedColumns[random.Next(CachedColumns.Length)];
                var key = keys[random.Next(keys.Length)];
                switch (random.Next(30))
                {
                    case 0:
                        var to = keys[Math.Min(keys.Length - 1, Array.IndexOf(keys, key) + random.Next(1, 20))];
                        batch.DeleteRange(column, key, to);
                        expected.DeleteRange(column, key, to);
                        break;
                    case < 8:
                        batch.Delete(column, key);
                        expected.Delete(column, key);
                        break;
                    default:
                        var value = new byte[random.Next(8) == 0 ? RecordCache.ValueBytesMax + random.Next(1, 100) : random.Next(0, 1100)];
                        random.NextBytes(value);
                        batch.Put(column, key, value);
                        expected.Put(column, key, value);
                        break;
                }
            }
            engine.Write(batch, sync: false);
            model.Write(expected, sync: false);
            foreach (var key in keys.OrderBy(_ => random.Next()).Take(50))
            {
                foreach (var column in CachedColumns)
                {
                    Assert.Equal(model.Get(column, key), engine.Get(column, key));
                }
            }
        }
    }

    [Fact]
    public void An_element_read_is_not_answered_by_the_data_column_and_survives_a_reopen()
    {
        var key = EngineExtensions.Bytes("same-bytes");
        using (var engine = RocksDbStorageEngine.Open(_directory.Path, RocksDbStorageOptions.Default))
        {
            Assert.Null(engine.Get(StorageColumn.Elements, key)); // absence cached
            engine.Put(StorageColumn.Data, "same-bytes", "record");
            Assert.Null(engine.Get(StorageColumn.Elements, key));
            engine.Put(StorageColumn.Elements, "same-bytes", "element");
            Assert.Equal("record", engine.GetText(StorageColumn.Data, "same-bytes"));
            Assert.Equal("element", engine.GetText(StorageColumn.Elements, "same-bytes"));
        }
        using (var engine = RocksDbStorageEngine.Open(_directory.Path, RocksDbStorageOptions.Default))
        {
            Assert.Equal("element", engine.GetText(StorageColumn.Elements, "same-bytes"));
            Assert.Equal("record", engine.GetText(StorageColumn.Data, "same-bytes"));
        }
    }

    [Fact]
    public void A_negative_element_cache_size_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            RocksDbStorageEngine.Open(_directory.Path, RocksDbStorageOptions.Default with { ElementCacheBytes = -1 }));
    }
}
