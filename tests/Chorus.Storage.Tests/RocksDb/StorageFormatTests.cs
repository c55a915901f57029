using Chorus.Storage.RocksDb;
using Chorus.Storage.Tests.Support;
using static Chorus.Storage.Tests.Support.EngineExtensions;

namespace Chorus.Storage.Tests.RocksDb;

/// <summary>A build refuses a database in a format it does not know, rather than misread it.</summary>
public sealed class StorageFormatTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void A_new_database_records_format_version_1()
    {
        using var engine = Open();

        Assert.Equal([0, 0, 0, 1], engine.Get(StorageColumn.Meta, StorageFormat.VersionKey));
    }

    [Fact]
    public void An_unknown_format_version_is_refused_naming_the_directory_and_version()
    {
        using (var engine = Open())
        {
            engine.Put(StorageColumn.Meta, StorageFormat.VersionKey.ToArray(), StorageFormat.EncodeVersion(2));
        }

        var error = Assert.Throws<StorageOpenException>(Open);

        Assert.Contains(_directory.Path, error.Message);
        Assert.Contains("format version 2", error.Message);
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

        Assert.Equal(StorageFormat.EncodeVersion(1), reopened.Get(StorageColumn.Meta, StorageFormat.VersionKey));
    }

    private RocksDbStorageEngine Open() => RocksDbStorageEngine.Open(_directory.Path, RocksDbStorageOptions.Default);

    private static void DeleteVersion(RocksDbStorageEngine engine)
    {
        using var batch = engine.NewBatch();
        batch.Delete(StorageColumn.Meta, StorageFormat.VersionKey);
        engine.Write(batch, sync: true);
    }
}
