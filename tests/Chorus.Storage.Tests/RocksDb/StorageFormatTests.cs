using Chorus.Storage.RocksDb;
using Chorus.Storage.Tests.Support;
using static Chorus.Storage.Tests.Support.EngineExtensions;

namespace Chorus.Storage.Tests.RocksDb;

/// <summary>A build upgrades an older database through the steps it is given and refuses one in a format it does not know, rather than misread it.</summary>
public sealed class StorageFormatTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void A_new_database_records_the_current_format_version()
    {
        using var engine = Open();

        Assert.Equal([0, 0, 0, 2], engine.Get(StorageColumn.Meta, StorageFormat.VersionKey));
    }

    [Fact]
    public void A_newer_format_version_is_refused_naming_the_directory_and_version()
    {
        using (var engine = Open())
        {
            engine.Put(StorageColumn.Meta, StorageFormat.VersionKey.ToArray(), StorageFormat.EncodeVersion(3));
        }

        var error = Assert.Throws<StorageOpenException>(Open);

        Assert.Contains(_directory.Path, error.Message);
        Assert.Contains("format version 3", error.Message);
        Assert.Contains("newer Chorus", error.Message);
    }

    [Fact]
    public void An_older_format_version_without_an_upgrade_is_refused_saying_what_to_do()
    {
        WriteVersion(1);

        var error = Assert.Throws<StorageOpenException>(Open);

        Assert.Contains(_directory.Path, error.Message);
        Assert.Contains("format version 1", error.Message);
        Assert.Contains("chorus serve", error.Message);
    }

    [Fact]
    public void An_older_format_version_is_upgraded_and_then_records_the_current_version()
    {
        WriteVersion(1);
        var runs = 0;
        var upgrade = new StorageUpgrade(1, "test step", engine =>
        {
            runs++;
            engine.Put(StorageColumn.Data, "upgraded", "yes");
        });

        using (var engine = Open(upgrade))
        {
            Assert.Equal("yes", engine.GetText(StorageColumn.Data, "upgraded"));
            Assert.Equal(StorageFormat.EncodeVersion(2), engine.Get(StorageColumn.Meta, StorageFormat.VersionKey));
        }
        using (Open(upgrade))
        {
        }

        Assert.Equal(1, runs);
    }

    /// <summary>A step that fails part-way leaves the old version, so the next open runs it again.</summary>
    [Fact]
    public void An_upgrade_that_fails_leaves_the_old_version_and_runs_again_on_the_next_open()
    {
        WriteVersion(1);
        var failing = new StorageUpgrade(1, "fails", _ => throw new IOException("disk full"));

        Assert.Throws<IOException>(() => Open(failing));

        using var engine = Open(new StorageUpgrade(1, "works", _ => { }));
        Assert.Equal(StorageFormat.EncodeVersion(2), engine.Get(StorageColumn.Meta, StorageFormat.VersionKey));
    }

    [Fact]
    public void Data_without_a_format_version_is_refused()
    {
        using (var engine = Open())
        {
            engine.Put(StorageColumn.Data, "k", "v");
            DeleteVersion(engine);
        }

        var error = Assert.Throws<StorageOpenException>(Open);

        Assert.Contains(_directory.Path, error.Message);
        Assert.Contains("no format-version", error.Message);
    }

    /// <summary>A crash between creating the database and recording its version leaves it empty; that is still fine.</summary>
    [Fact]
    public void An_empty_database_without_a_format_version_gets_one()
    {
        using (var engine = Open())
        {
            DeleteVersion(engine);
        }

        using var reopened = Open();

        Assert.Equal(StorageFormat.EncodeVersion(StorageFormat.CurrentVersion), reopened.Get(StorageColumn.Meta, StorageFormat.VersionKey));
    }

    private RocksDbStorageEngine Open() => RocksDbStorageEngine.Open(_directory.Path, RocksDbStorageOptions.Default);

    private RocksDbStorageEngine Open(StorageUpgrade upgrade) =>
        RocksDbStorageEngine.Open(_directory.Path, RocksDbStorageOptions.Default with { Upgrades = [upgrade] });

    private void WriteVersion(uint version)
    {
        using var engine = Open();
        engine.Put(StorageColumn.Meta, StorageFormat.VersionKey.ToArray(), StorageFormat.EncodeVersion(version), sync: true);
    }

    private static void DeleteVersion(RocksDbStorageEngine engine)
    {
        using var batch = engine.NewBatch();
        batch.Delete(StorageColumn.Meta, StorageFormat.VersionKey);
        engine.Write(batch, sync: true);
    }
}
