using Chorus.Storage.InMemory;
using Chorus.Storage.RocksDb;
using Chorus.Storage.Tests.Support;
using static Chorus.Storage.Tests.Support.EngineExtensions;

namespace Chorus.Storage.Tests.RocksDb;

/// <summary>Opening, sharing and closing a RocksDB engine without native crashes.</summary>
public sealed class RocksDbLifecycleTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    /// <summary>Two nodes on one directory would corrupt it; RocksDB's LOCK file stops the second.</summary>
    [Fact]
    public void A_second_open_of_a_directory_fails_naming_it_until_the_first_closes()
    {
        var first = Open();

        var error = Assert.Throws<StorageOpenException>(Open);
        Assert.Contains(_directory.Path, error.Message);
        Assert.Contains("locked", error.Message);
        first.Dispose();

        Assert.True(File.Exists(Path.Combine(_directory.Path, "LOCK")));
        using var reopened = Open();
    }

    [Fact]
    public void Disposing_the_engine_closes_its_live_iterators()
    {
        var engine = Open();
        engine.Put(StorageColumn.Data, "k", "v");
        var iterator = engine.NewIterator(StorageColumn.Data);
        iterator.SeekToFirst();

        engine.Dispose();

        Assert.Throws<ObjectDisposedException>(() => iterator.Valid);
        Assert.Throws<ObjectDisposedException>(iterator.SeekToFirst);
        iterator.Dispose();
    }

    [Fact]
    public void Calls_after_dispose_throw_instead_of_touching_freed_memory()
    {
        var engine = Open();
        var batch = engine.NewBatch();
        engine.Dispose();
        engine.Dispose();

        Assert.Throws<ObjectDisposedException>(() => engine.Get(StorageColumn.Data, Bytes("k")));
        Assert.Throws<ObjectDisposedException>(() => engine.Write(batch, sync: false));
        Assert.Throws<ObjectDisposedException>(engine.Sync);
        Assert.Throws<ObjectDisposedException>(() => engine.NewIterator(StorageColumn.Data));
        batch.Dispose();
        Assert.Throws<ObjectDisposedException>(() => batch.Put(StorageColumn.Data, Bytes("k"), Bytes("v")));
    }

    [Fact]
    public void A_batch_from_another_engine_is_rejected()
    {
        using var engine = Open();
        using var other = RocksDbStorageEngine.Open(_directory.Child("other"), RocksDbStorageOptions.Default);
        using var inMemory = new InMemoryStorageEngine();
        using var otherBatch = other.NewBatch();
        using var inMemoryBatch = inMemory.NewBatch();

        Assert.Throws<ArgumentException>(() => engine.Write(otherBatch, sync: false));
        Assert.Throws<ArgumentException>(() => engine.Write(inMemoryBatch, sync: false));
    }

    /// <summary>RocksDB iterators read the snapshot taken when they were created.</summary>
    [Fact]
    public void An_iterator_does_not_see_writes_made_after_it_was_created()
    {
        using var engine = Open();
        engine.Put(StorageColumn.Data, "a", "v");
        using var iterator = engine.NewIterator(StorageColumn.Data);

        engine.Put(StorageColumn.Data, "b", "v");
        iterator.SeekToFirst();
        iterator.Next();

        Assert.False(iterator.Valid);
    }

    /// The replication log retires its prefix with a range deletion, which RocksDB keeps on disk
    /// until compaction reaches those files; ReclaimSpace compacts the range, so the space returns.
    [Fact]
    public async Task Reclaiming_a_deleted_range_returns_its_space()
    {
        using var engine = Open();
        var random = new Random(7);
        for (var round = 0; round < 4; round++)
        {
            using var batch = engine.NewBatch();
            for (var i = 0; i < 5_000; i++)
            {
                var value = new byte[1000];
                random.NextBytes(value);
                batch.Put(StorageColumn.Log, Key(round * 5_000 + i), value);
            }
            engine.Write(batch, sync: false);
        }
        var full = engine.ApproximateSize(StorageColumn.Log);
        using (var delete = engine.NewBatch())
        {
            delete.DeleteRange(StorageColumn.Log, Key(0), Key(15_000));
            engine.Write(delete, sync: false);
        }
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (engine.ApproximateSize(StorageColumn.Log) > full / 2)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the log column family still holds {engine.ApproximateSize(StorageColumn.Log)} of {full} bytes after 60 s");
            engine.ReclaimSpace(StorageColumn.Log, Key(0), Key(15_000));
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        static byte[] Key(int n) => BitConverter.GetBytes(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((long)n));
    }

    private RocksDbStorageEngine Open() => RocksDbStorageEngine.Open(_directory.Path, RocksDbStorageOptions.Default);
}
