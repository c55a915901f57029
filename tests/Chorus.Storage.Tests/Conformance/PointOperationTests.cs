using Chorus.Storage.Tests.Support;
using static Chorus.Storage.Tests.Support.EngineExtensions;

namespace Chorus.Storage.Tests.Conformance;

/// <summary>IStorageEngine contract, both engines: single keys.</summary>
public sealed class PointOperationTests
{
    [Theory, ClassData(typeof(AllEngines))]
    public void Get_of_a_missing_key_is_null(EngineKind kind)
    {
        using var harness = new EngineHarness(kind);

        Assert.Null(harness.Engine.Get(StorageColumn.Data, Bytes("missing")));
    }

    [Theory, ClassData(typeof(AllEngines))]
    public void Put_then_get_returns_the_value(EngineKind kind)
    {
        using var harness = new EngineHarness(kind);

        harness.Engine.Put(StorageColumn.Data, "key", "value");

        Assert.Equal("value", harness.Engine.GetText(StorageColumn.Data, "key"));
    }

    /// <summary>An empty string is a value in Redis; it must not read back as "no such key".</summary>
    [Theory, ClassData(typeof(AllEngines))]
    public void An_empty_value_is_stored_and_differs_from_a_missing_key(EngineKind kind)
    {
        using var harness = new EngineHarness(kind);

        harness.Engine.Put(StorageColumn.Data, Bytes("empty"), []);

        var value = harness.Engine.Get(StorageColumn.Data, Bytes("empty"));
        Assert.NotNull(value);
        Assert.Empty(value);
    }

    [Theory, ClassData(typeof(AllEngines))]
    public void A_later_put_overwrites_an_earlier_one(EngineKind kind)
    {
        using var harness = new EngineHarness(kind);

        harness.Engine.Put(StorageColumn.Data, "key", "first");
        harness.Engine.Put(StorageColumn.Data, "key", "second");

        Assert.Equal("second", harness.Engine.GetText(StorageColumn.Data, "key"));
        Assert.Equal(["key"], harness.Engine.TextKeys(StorageColumn.Data));
    }

    [Theory, ClassData(typeof(AllEngines))]
    public void Delete_removes_only_that_key(EngineKind kind)
    {
        using var harness = new EngineHarness(kind);
        harness.Engine.Put(StorageColumn.Data, "a", "1");
        harness.Engine.Put(StorageColumn.Data, "b", "2");

        harness.Engine.Delete(StorageColumn.Data, "a");
        harness.Engine.Delete(StorageColumn.Data, "never-written");

        Assert.Null(harness.Engine.Get(StorageColumn.Data, Bytes("a")));
        Assert.Equal("2", harness.Engine.GetText(StorageColumn.Data, "b"));
    }

    /// <summary>DESIGN §3: data, log, meta and expiry are separate column families.</summary>
    [Theory, ClassData(typeof(AllEngines))]
    public void Column_families_are_independent(EngineKind kind)
    {
        using var harness = new EngineHarness(kind);
        var engine = harness.Engine;
        foreach (var column in StorageColumns.All)
        {
            engine.Put(column, "shared", StorageColumns.Name(column));
        }
        engine.Put(StorageColumn.Log, "log-only", "x");

        engine.Delete(StorageColumn.Data, "shared");

        Assert.Null(engine.Get(StorageColumn.Data, Bytes("shared")));
        Assert.Equal("log", engine.GetText(StorageColumn.Log, "shared"));
        Assert.Equal("meta", engine.GetText(StorageColumn.Meta, "shared"));
        Assert.Equal("expiry", engine.GetText(StorageColumn.Expiry, "shared"));
        Assert.Equal(["log-only", "shared"], engine.TextKeys(StorageColumn.Log));
        Assert.Null(engine.Get(StorageColumn.Data, Bytes("log-only")));
    }
}
