using Chorus.Storage.InMemory;
using Chorus.Storage.RocksDb;
using Chorus.Storage.Tests.Support;

namespace Chorus.Storage.Tests.RocksDb;

/// <summary>
/// The record cache in front of the data column's point reads (RocksDbStorageOptions.RecordCacheBytes)
/// never changes what a read returns: it follows every batch, forgets on range deletions, keeps
/// large values out, and a read that raced a write never puts the older value back.
/// </summary>
public sealed class RecordCacheTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    /// <summary>
    /// Random batches of puts, deletes, range deletions and large values, with a cache small
    /// enough to turn over many times, read back after every batch against the in-memory engine.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(4096)]
    [InlineData(32L << 20)]
    public void Reads_match_the_in_memory_engine_after_every_batch(long cacheBytes)
    {
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}, cache {cacheBytes} bytes");
        var random = new Random(seed);
        using var engine = RocksDbStorageEngine.Open(_directory.Path, RocksDbStorageOptions.Default with { RecordCacheBytes = cacheBytes });
        using var model = new InMemoryStorageEngine();
        var keys = Enumerable.Range(0, 200).Select(i => EngineExtensions.Bytes($"k{i:D3}")).ToArray();
        for (var round = 0; round < 300; round++)
        {
            using var batch = engine.NewBatch();
            using var expected = model.NewBatch();
            for (var op = random.Next(1, 8); op > 0; op--)
            {
                var key = keys[random.Next(keys.Length)];
                switch (random.Next(20))
                {
                    case 0:
                        var to = keys[Math.Min(keys.Length - 1, Array.IndexOf(keys, key) + random.Next(1, 20))];
                        batch.DeleteRange(StorageColumn.Data, key, to);
                        expected.DeleteRange(StorageColumn.Data, key, to);
                        break;
                    case < 6:
                        batch.Delete(StorageColumn.Data, key);
                        expected.Delete(StorageColumn.Data, key);
                        break;
                    default:
                        var value = new byte[random.Next(8) == 0 ? RecordCache.ValueBytesMax + random.Next(1, 100) : random.Next(1, 64)];
                        random.NextBytes(value);
                        batch.Put(StorageColumn.Data, key, value);
                        expected.Put(StorageColumn.Data, key, value);
                        break;
                }
            }
            engine.Write(batch, sync: false);
            model.Write(expected, sync: false);
            foreach (var key in keys.OrderBy(_ => random.Next()).Take(50))
            {
                Assert.Equal(model.Get(StorageColumn.Data, key), engine.Get(StorageColumn.Data, key));
            }
        }
    }

    [Fact]
    public void A_caller_that_edits_what_it_read_does_not_change_the_next_read()
    {
        using var engine = RocksDbStorageEngine.Open(_directory.Path, RocksDbStorageOptions.Default);
        engine.Put(StorageColumn.Data, "k", "value");

        engine.Get(StorageColumn.Data, EngineExtensions.Bytes("k"))![0] = (byte)'X';
        engine.Get(StorageColumn.Data, EngineExtensions.Bytes("k"))![1] = (byte)'X';

        Assert.Equal("value", engine.GetText(StorageColumn.Data, "k"));
    }

    /// <summary>
    /// Readers on other threads (connections serving GET) race the writer: once the writer is done,
    /// every key reads its last value — a read that found an older one cannot have cached it.
    /// </summary>
    [Fact]
    public async Task Reads_racing_writes_never_leave_an_older_value_cached()
    {
        using var engine = RocksDbStorageEngine.Open(_directory.Path, RocksDbStorageOptions.Default);
        var keys = Enumerable.Range(0, 8).Select(i => EngineExtensions.Bytes($"k{i}")).ToArray();
        const int Versions = 3000;
        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 2).Select(r => Task.Run(() =>
        {
            var seen = new int[keys.Length];
            while (!stop.IsCancellationRequested)
            {
                for (var k = 0; k < keys.Length; k++)
                {
                    var version = engine.Get(StorageColumn.Data, keys[k]) is { } value ? BitConverter.ToInt32(value) : 0;
                    Assert.True(version >= seen[k], $"key {k} went back from version {seen[k]} to {version}");
                    seen[k] = version;
                }
            }
        }, TestContext.Current.CancellationToken)).ToArray();
        for (var version = 1; version <= Versions; version++)
        {
            using var batch = engine.NewBatch();
            batch.Put(StorageColumn.Data, keys[version % keys.Length], BitConverter.GetBytes(version));
            engine.Write(batch, sync: false);
        }
        await stop.CancelAsync();
        await Task.WhenAll(readers);

        for (var k = 0; k < keys.Length; k++)
        {
            var last = Enumerable.Range(1, Versions).Last(v => v % keys.Length == k);
            Assert.Equal(last, BitConverter.ToInt32(engine.Get(StorageColumn.Data, keys[k])!));
        }
    }

    /// <summary>The cache stays within its budget however many keys pass through it, and keeps the keys in use.</summary>
    [Fact]
    public void The_cache_stays_within_its_budget_and_keeps_what_is_used()
    {
        const long BudgetBytes = 64 << 10;
        var cache = new RecordCache(BudgetBytes);
        var hot = EngineExtensions.Bytes("hot");
        for (var i = 0; i < 20_000; i++)
        {
            cache.Apply([new RecordChange(RecordChangeKind.Put, EngineExtensions.Bytes($"key{i}"), new byte[16])]);
            Assert.True(cache.TryGet(hot, out _) || i == 0);
            if (i == 0)
            {
                cache.Apply([new RecordChange(RecordChangeKind.Put, hot, EngineExtensions.Bytes("h"))]);
            }
        }

        Assert.InRange(cache.Count, 1, (int)(BudgetBytes / (16 + 5 + 96)) + 1);
        Assert.True(cache.TryGet(hot, out var value));
        Assert.Equal("h"u8.ToArray(), value);
    }
}
