using Chorus.Storage.RocksDb;
using Chorus.Storage.Tests.Support;
using static Chorus.Storage.Tests.Support.EngineExtensions;

namespace Chorus.Storage.Tests.RocksDb;

/// <summary>The options reach RocksDB: it records what it runs with in the directory's OPTIONS file.</summary>
public sealed class RocksDbOptionsTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Defaults_are_lz4_two_background_jobs_and_bloom_filters_on_data_elements_and_meta()
    {
        using (RocksDbStorageEngine.Open(_directory.Path, RocksDbStorageOptions.Default))
        {
        }

        var sections = ReadOptionsFile();

        Assert.Contains("max_background_jobs=2", sections["DBOptions"]);
        foreach (var column in StorageColumns.All)
        {
            var name = StorageColumns.Name(column);
            Assert.Contains("compression=kLZ4Compression", sections[$"CFOptions \"{name}\""]);
            Assert.Contains($"write_buffer_size={16 << 20}", sections[$"CFOptions \"{name}\""]);
            var bloom = column is StorageColumn.Data or StorageColumn.Elements or StorageColumn.Meta;
            Assert.Equal(bloom, sections[$"TableOptions/BlockBasedTable \"{name}\""].Any(l => l.StartsWith("filter_policy=bloomfilter", StringComparison.Ordinal)));
        }
    }

    /// <summary>RocksDB refuses at open a compression its library was built without, so opening proves support.</summary>
    [Theory]
    [InlineData(RocksDbCompression.None)]
    [InlineData(RocksDbCompression.Lz4)]
    [InlineData(RocksDbCompression.Zstd)]
    public void Every_compression_is_available_in_the_bundled_library(RocksDbCompression compression)
    {
        var options = RocksDbStorageOptions.Default with { Compression = compression, WriteBufferBytes = 64 << 10 };
        using (var engine = RocksDbStorageEngine.Open(_directory.Path, options))
        {
            for (var i = 0; i < 5_000; i++)
            {
                engine.Put(StorageColumn.Data, $"key-{i:D5}", new string('x', 100));
            }
        }

        using var reopened = RocksDbStorageEngine.Open(_directory.Path, options);

        Assert.Equal(new string('x', 100), reopened.GetText(StorageColumn.Data, "key-04999"));
        Assert.NotEmpty(Directory.GetFiles(_directory.Path, "*.sst"));
    }

    [Fact]
    public void Nonsense_options_are_refused_before_touching_the_directory()
    {
        var options = RocksDbStorageOptions.Default with { BackgroundJobs = 0 };
        var path = _directory.Child("never-created");

        Assert.Throws<ArgumentOutOfRangeException>(() => RocksDbStorageEngine.Open(path, options));
        Assert.False(Directory.Exists(path));
    }

    /// <summary>The newest OPTIONS-* file, as section name → "name=value" lines.</summary>
    private Dictionary<string, List<string>> ReadOptionsFile()
    {
        var file = Directory.GetFiles(_directory.Path, "OPTIONS-*").Order(StringComparer.Ordinal).Last();
        var sections = new Dictionary<string, List<string>>();
        var current = new List<string>();
        foreach (var line in File.ReadLines(file).Select(l => l.Trim()))
        {
            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                current = [];
                sections[line[1..^1]] = current;
            }
            else if (line.Length > 0 && !line.StartsWith('#'))
            {
                current.Add(line);
            }
        }
        return sections;
    }
}
