using Chorus.Storage.InMemory;
using Chorus.Storage.RocksDb;

namespace Chorus.Storage.Tests.Support;

/// <summary>An engine of the given kind; a RocksDB one lives in a temp directory removed on dispose.</summary>
public sealed class EngineHarness : IDisposable
{
    private readonly TempDirectory? _directory;

    public EngineHarness(EngineKind kind)
    {
        if (kind == EngineKind.InMemory)
        {
            Engine = new InMemoryStorageEngine();
            return;
        }
        _directory = new TempDirectory();
        Engine = RocksDbStorageEngine.Open(_directory.Path, RocksDbStorageOptions.Default);
    }

    public IStorageEngine Engine { get; }

    public void Dispose()
    {
        Engine.Dispose();
        _directory?.Dispose();
    }
}
