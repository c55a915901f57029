using Chorus.Storage.InMemory;
using Chorus.Storage.Tests.Support;
using static Chorus.Storage.Tests.Support.EngineExtensions;

namespace Chorus.Storage.Tests.InMemory;

/// <summary>
/// The in-memory engine models a disk with a volatile write cache, so the simulator can crash
/// nodes: what was not synced (DESIGN §3 durability policies) is gone after a crash.
/// </summary>
public sealed class InMemoryCrashModelTests
{
    private readonly InMemoryStorageEngine _engine = new();

    [Fact]
    public void Unsynced_writes_are_lost_by_a_crash()
    {
        _engine.Put(StorageColumn.Data, "k", "v", sync: false);
        Assert.Equal("v", _engine.GetText(StorageColumn.Data, "k"));

        _engine.SimulateCrash();

        Assert.Null(_engine.Get(StorageColumn.Data, Bytes("k")));
    }

    [Fact]
    public void A_synced_write_survives_a_crash()
    {
        _engine.Put(StorageColumn.Data, "k", "v", sync: true);

        _engine.SimulateCrash();

        Assert.Equal("v", _engine.GetText(StorageColumn.Data, "k"));
    }

    [Fact]
    public void Sync_makes_earlier_unsynced_writes_durable()
    {
        _engine.Put(StorageColumn.Data, "a", "1", sync: false);
        _engine.Put(StorageColumn.Log, "b", "2", sync: false);

        _engine.Sync();
        _engine.Put(StorageColumn.Data, "c", "after the sync", sync: false);
        _engine.SimulateCrash();

        Assert.Equal("1", _engine.GetText(StorageColumn.Data, "a"));
        Assert.Equal("2", _engine.GetText(StorageColumn.Log, "b"));
        Assert.Null(_engine.Get(StorageColumn.Data, Bytes("c")));
    }

    /// <summary>IStorageEngine.Write: a synced batch is durable "and everything before it" (one fsync of the log).</summary>
    [Fact]
    public void A_synced_write_makes_earlier_unsynced_writes_durable()
    {
        _engine.Put(StorageColumn.Data, "a", "unsynced", sync: false);
        _engine.Put(StorageColumn.Data, "b", "synced", sync: true);

        _engine.SimulateCrash();

        Assert.Equal(["a", "b"], _engine.TextKeys(StorageColumn.Data));
    }

    [Fact]
    public void An_unsynced_delete_is_undone_by_a_crash()
    {
        _engine.Put(StorageColumn.Data, "k", "v", sync: true);
        _engine.Delete(StorageColumn.Data, "k", sync: false);

        _engine.SimulateCrash();

        Assert.Equal("v", _engine.GetText(StorageColumn.Data, "k"));
    }

    [Fact]
    public void The_engine_keeps_working_after_a_crash()
    {
        _engine.Put(StorageColumn.Data, "lost", "v", sync: false);
        _engine.SimulateCrash();

        _engine.Put(StorageColumn.Data, "k", "v", sync: false);
        _engine.Sync();
        _engine.SimulateCrash();

        Assert.Equal(["k"], _engine.TextKeys(StorageColumn.Data));
        Assert.Equal(0, _engine.UnsyncedOperations);
    }
}
