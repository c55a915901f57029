using System.Text;
using Chorus.Commands.Keyspace;
using Chorus.Commands.Keyspace.Migration;
using Chorus.Storage;
using Chorus.Storage.InMemory;
using Chorus.Storage.RocksDb;
using static Chorus.Commands.Tests.Support.Replies;

namespace Chorus.Commands.Tests.Migration;

/// <summary>
/// docs/storage-layout.md, "Format 1 → 2": a directory written by format 1 opens as format 2 with
/// every key, value, field, member and expiry intact, and a migration cut short resumes.
/// </summary>
public sealed class FormatOneMigrationTests : IDisposable
{
    private const long NowMs = 1_700_000_000_000;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "chorus-migration-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void A_format_1_rocksdb_directory_is_migrated_on_open_and_every_key_survives()
    {
        var data = FormatOneData.Generate(seed: 7, keys: 2_500);
        WriteFormatOneDirectory(data);

        using var engine = RocksDbStorageEngine.Open(_directory, RocksDbStorageOptions.Default with { Upgrades = KeyspaceUpgrades.All });

        Assert.Equal(StorageFormat.EncodeVersion(2), engine.Get(StorageColumn.Meta, StorageFormat.VersionKey));
        data.AssertSurvived(engine, NowMs);
        LayoutCheck.Verify(engine);
        AssertNoFormatOneKeysLeft(engine);
    }

    [Fact]
    public void Opening_a_format_1_directory_without_the_upgrade_is_refused_and_changes_nothing()
    {
        WriteFormatOneDirectory(FormatOneData.Generate(seed: 3, keys: 10));

        var error = Assert.Throws<StorageOpenException>(() => RocksDbStorageEngine.Open(_directory, RocksDbStorageOptions.Default));

        Assert.Contains("format version 1", error.Message);
        using var engine = RocksDbStorageEngine.Open(_directory, RocksDbStorageOptions.Default with { Upgrades = KeyspaceUpgrades.All });
        Assert.Equal(Int(10), StorageReads.Run(engine, NowMs, "DBSIZE"));
    }

    /// <summary>A crash between chunks: the next open finds version 1 still, and finishes the job.</summary>
    [Fact]
    public void A_migration_cut_short_between_chunks_resumes_on_the_next_open()
    {
        var data = FormatOneData.Generate(seed: 11, keys: 3 * FormatOneMigration.ChunkKeysMax);
        WriteFormatOneDirectory(data);
        var crash = new StorageUpgrade(1, "crashes after two chunks", storage =>
        {
            Assert.False(FormatOneMigration.Run(storage, chunksMax: 2));
            throw new IOException("power lost");
        });

        Assert.Throws<IOException>(() => RocksDbStorageEngine.Open(_directory, RocksDbStorageOptions.Default with { Upgrades = [crash] }));
        using var engine = RocksDbStorageEngine.Open(_directory, RocksDbStorageOptions.Default with { Upgrades = KeyspaceUpgrades.All });

        data.AssertSurvived(engine, NowMs);
        LayoutCheck.Verify(engine);
        AssertNoFormatOneKeysLeft(engine);
    }

    [Fact]
    public void Every_chunk_leaves_a_directory_that_reads_the_same_once_finished()
    {
        var data = FormatOneData.Generate(seed: 5, keys: 2 * FormatOneMigration.ChunkKeysMax + 17);
        using var storage = new InMemoryStorageEngine();
        data.WriteTo(storage);

        var chunks = 0;
        while (!FormatOneMigration.Run(storage, chunksMax: 1))
        {
            chunks++;
        }

        Assert.Equal(3, chunks);
        data.AssertSurvived(storage, NowMs);
        LayoutCheck.Verify(storage);
    }

    private void WriteFormatOneDirectory(FormatOneData data)
    {
        using var engine = RocksDbStorageEngine.Open(_directory, RocksDbStorageOptions.Default);
        data.WriteTo(engine);
        using var batch = engine.NewBatch();
        batch.Put(StorageColumn.Meta, StorageFormat.VersionKey, StorageFormat.EncodeVersion(1));
        engine.Write(batch, sync: true);
    }

    private static void AssertNoFormatOneKeysLeft(IStorageEngine storage)
    {
        foreach (var column in new[] { StorageColumn.Data, StorageColumn.Expiry })
        {
            using var iterator = storage.NewIterator(column);
            iterator.SeekToFirst();
            Assert.True(!iterator.Valid || iterator.Key[0] >= 0x80, $"the {StorageColumns.Name(column)} column starts with a format-1 key {Encoding.UTF8.GetString(iterator.Key)}");
        }
        Assert.NotNull(storage.Get(StorageColumn.Data, KeyspaceCatalog.Key));
    }
}
