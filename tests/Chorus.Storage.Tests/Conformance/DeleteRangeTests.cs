using Chorus.Storage.Tests.Support;
using static Chorus.Storage.Tests.Support.EngineExtensions;

namespace Chorus.Storage.Tests.Conformance;

/// <summary>IStorageBatch.DeleteRange, both engines: it deletes [from, to), like RocksDB's DeleteRange.</summary>
public sealed class DeleteRangeTests
{
    [Theory, ClassData(typeof(AllEngines))]
    public void Deletes_from_inclusive_to_exclusive(EngineKind kind)
    {
        using var harness = new EngineHarness(kind);
        WriteKeys(harness.Engine, "a", "b", "c", "d", "e");

        DeleteRange(harness.Engine, "b", "d");

        Assert.Equal(["a", "d", "e"], harness.Engine.TextKeys(StorageColumn.Data));
    }

    [Theory, ClassData(typeof(AllEngines))]
    public void Bounds_need_not_be_keys(EngineKind kind)
    {
        using var harness = new EngineHarness(kind);
        WriteKeys(harness.Engine, "a", "b1", "c", "d", "d1");

        DeleteRange(harness.Engine, "b", "d");

        Assert.Equal(["a", "d", "d1"], harness.Engine.TextKeys(StorageColumn.Data));
    }

    /// <summary>
    /// An empty or inverted range deletes nothing. (RocksDB itself rejects such a range only after
    /// logging it, and then refuses every write until reopened; the engine must not pass it on.)
    /// </summary>
    [Theory, ClassData(typeof(AllEngines))]
    public void An_empty_or_inverted_range_deletes_nothing_and_writes_go_on(EngineKind kind)
    {
        using var harness = new EngineHarness(kind);
        WriteKeys(harness.Engine, "a", "b", "c");

        DeleteRange(harness.Engine, "b", "b");
        DeleteRange(harness.Engine, "c", "a");
        harness.Engine.Put(StorageColumn.Data, "d", "after");

        Assert.Equal(["a", "b", "c", "d"], harness.Engine.TextKeys(StorageColumn.Data));
    }

    [Theory, ClassData(typeof(AllEngines))]
    public void Applies_in_batch_order(EngineKind kind)
    {
        using var harness = new EngineHarness(kind);
        using var batch = harness.Engine.NewBatch();
        batch.Put(StorageColumn.Data, Bytes("b"), Bytes("before the range delete"));
        batch.DeleteRange(StorageColumn.Data, Bytes("a"), Bytes("z"));
        batch.Put(StorageColumn.Data, Bytes("c"), Bytes("after the range delete"));

        harness.Engine.Write(batch, sync: false);

        Assert.Equal(["c"], harness.Engine.TextKeys(StorageColumn.Data));
    }

    [Theory, ClassData(typeof(AllEngines))]
    public void Touches_only_its_column(EngineKind kind)
    {
        using var harness = new EngineHarness(kind);
        WriteKeys(harness.Engine, "a", "b");
        harness.Engine.Put(StorageColumn.Expiry, "a", "x");

        DeleteRange(harness.Engine, "a", "z");

        Assert.Empty(harness.Engine.TextKeys(StorageColumn.Data));
        Assert.Equal(["a"], harness.Engine.TextKeys(StorageColumn.Expiry));
    }

    private static void WriteKeys(IStorageEngine engine, params string[] keys)
    {
        using var batch = engine.NewBatch();
        foreach (var key in keys)
        {
            batch.Put(StorageColumn.Data, Bytes(key), Bytes("v"));
        }
        engine.Write(batch, sync: false);
    }

    private static void DeleteRange(IStorageEngine engine, string fromInclusive, string toExclusive)
    {
        using var batch = engine.NewBatch();
        batch.DeleteRange(StorageColumn.Data, Bytes(fromInclusive), Bytes(toExclusive));
        engine.Write(batch, sync: false);
    }
}
