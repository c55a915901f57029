using Chorus.Storage.Tests.Support;
using static Chorus.Storage.Tests.Support.EngineExtensions;

namespace Chorus.Storage.Tests.Conformance;

/// <summary>
/// IStorageEngine contract, both engines: a batch applies whole, in the order its operations
/// were added (DESIGN §3: applying one log entry is one atomic write batch).
/// </summary>
public sealed class BatchTests
{
    [Theory, ClassData(typeof(AllEngines))]
    public void A_batch_is_invisible_until_written_then_visible_whole(EngineKind kind)
    {
        using var harness = new EngineHarness(kind);
        var engine = harness.Engine;
        using var batch = engine.NewBatch();
        batch.Put(StorageColumn.Log, Bytes("entry-1"), Bytes("set k v"));
        batch.Put(StorageColumn.Data, Bytes("k"), Bytes("v"));
        batch.Put(StorageColumn.Meta, Bytes("applied-lsn"), Bytes("1"));

        Assert.Null(engine.Get(StorageColumn.Data, Bytes("k")));
        engine.Write(batch, sync: false);

        Assert.Equal("set k v", engine.GetText(StorageColumn.Log, "entry-1"));
        Assert.Equal("v", engine.GetText(StorageColumn.Data, "k"));
        Assert.Equal("1", engine.GetText(StorageColumn.Meta, "applied-lsn"));
    }

    [Theory, ClassData(typeof(AllEngines))]
    public void Put_then_delete_of_one_key_in_a_batch_leaves_it_deleted(EngineKind kind)
    {
        using var harness = new EngineHarness(kind);
        using var batch = harness.Engine.NewBatch();
        batch.Put(StorageColumn.Data, Bytes("k"), Bytes("v"));
        batch.Delete(StorageColumn.Data, Bytes("k"));

        harness.Engine.Write(batch, sync: false);

        Assert.Null(harness.Engine.Get(StorageColumn.Data, Bytes("k")));
    }

    [Theory, ClassData(typeof(AllEngines))]
    public void Delete_then_put_of_one_key_in_a_batch_leaves_the_put(EngineKind kind)
    {
        using var harness = new EngineHarness(kind);
        harness.Engine.Put(StorageColumn.Data, "k", "old");
        using var batch = harness.Engine.NewBatch();
        batch.Delete(StorageColumn.Data, Bytes("k"));
        batch.Put(StorageColumn.Data, Bytes("k"), Bytes("first"));
        batch.Put(StorageColumn.Data, Bytes("k"), Bytes("last"));

        harness.Engine.Write(batch, sync: false);

        Assert.Equal("last", harness.Engine.GetText(StorageColumn.Data, "k"));
    }

    [Theory, ClassData(typeof(AllEngines))]
    public void Count_counts_operations_and_Clear_empties_the_batch(EngineKind kind)
    {
        using var harness = new EngineHarness(kind);
        using var batch = harness.Engine.NewBatch();
        batch.Put(StorageColumn.Data, Bytes("discarded"), Bytes("v"));
        batch.Delete(StorageColumn.Data, Bytes("x"));
        batch.DeleteRange(StorageColumn.Data, Bytes("a"), Bytes("b"));
        Assert.Equal(3, batch.Count);

        batch.Clear();
        Assert.Equal(0, batch.Count);
        batch.Put(StorageColumn.Data, Bytes("kept"), Bytes("v"));
        harness.Engine.Write(batch, sync: false);

        Assert.Equal(["kept"], harness.Engine.TextKeys(StorageColumn.Data));
    }

    [Theory, ClassData(typeof(AllEngines))]
    public void An_empty_batch_writes_nothing(EngineKind kind)
    {
        using var harness = new EngineHarness(kind);
        harness.Engine.Put(StorageColumn.Data, "k", "v");
        using var batch = harness.Engine.NewBatch();

        harness.Engine.Write(batch, sync: false);
        harness.Engine.Write(batch, sync: true);

        Assert.Equal(["k"], harness.Engine.TextKeys(StorageColumn.Data));
    }
}
