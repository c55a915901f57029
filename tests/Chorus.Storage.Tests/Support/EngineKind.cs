namespace Chorus.Storage.Tests.Support;

/// <summary>The engines the conformance tests run against.</summary>
public enum EngineKind
{
    InMemory,
    RocksDb,
}

/// <summary>Theory data: every <see cref="EngineKind"/>.</summary>
public sealed class AllEngines : TheoryData<EngineKind>
{
    public AllEngines()
    {
        Add(EngineKind.InMemory);
        Add(EngineKind.RocksDb);
    }
}
