using Chorus.Storage.Tests.Support;
using static Chorus.Storage.Tests.Support.EngineExtensions;

namespace Chorus.Storage.Tests.Conformance;

/// <summary>
/// Every column family of <see cref="StorageColumns.All"/>, both engines: each one stores, orders,
/// deletes and range-deletes its own keys, and no operation on one reaches another. A column added
/// to the enum is covered here without writing a test for it.
/// </summary>
public sealed class ColumnFamilyTests
{
    public static TheoryData<EngineKind, StorageColumn> EveryColumn()
    {
        var data = new TheoryData<EngineKind, StorageColumn>();
        foreach (var kind in new[] { EngineKind.InMemory, EngineKind.RocksDb })
        {
            foreach (var column in StorageColumns.All)
            {
                data.Add(kind, column);
            }
        }
        return data;
    }

    [Theory, MemberData(nameof(EveryColumn))]
    public void A_column_stores_orders_and_deletes_its_keys(EngineKind kind, StorageColumn column)
    {
        using var harness = new EngineHarness(kind);
        var engine = harness.Engine;
        var before = engine.KeysForward(column).Count;
        using (var batch = engine.NewBatch())
        {
            foreach (var key in new[] { "k3", "k1", "k2", "k4" })
            {
                batch.Put(column, Bytes(key), Bytes("v-" + key));
            }
            engine.Write(batch, sync: false);
        }

        Assert.Equal("v-k2", engine.GetText(column, "k2"));
        Assert.Equal(["k1", "k2", "k3", "k4"], engine.TextKeys(column).Where(k => k.StartsWith('k')));

        engine.Delete(column, "k1");
        using (var batch = engine.NewBatch())
        {
            batch.DeleteRange(column, Bytes("k2"), Bytes("k4"));
            engine.Write(batch, sync: false);
        }

        Assert.Equal(["k4"], engine.TextKeys(column).Where(k => k.StartsWith('k')));
        Assert.Equal(before + 1, engine.KeysForward(column).Count);
    }

    [Theory, MemberData(nameof(EveryColumn))]
    public void Writes_to_a_column_reach_no_other_column(EngineKind kind, StorageColumn column)
    {
        using var harness = new EngineHarness(kind);
        var engine = harness.Engine;
        var others = StorageColumns.All.Where(c => c != column).ToDictionary(c => c, c => engine.KeysForward(c).Count);

        engine.Put(column, "only-here", "v");
        using (var batch = engine.NewBatch())
        {
            batch.DeleteRange(column, Bytes("a"), Bytes("z"));
            batch.Put(column, Bytes("zz"), Bytes("v"));
            engine.Write(batch, sync: false);
        }

        foreach (var (other, count) in others)
        {
            Assert.Null(engine.Get(other, Bytes("zz")));
            Assert.Equal(count, engine.KeysForward(other).Count);
        }
        Assert.Equal("v", engine.GetText(column, "zz"));
    }

    [Fact]
    public void Every_column_has_its_own_name()
    {
        var names = StorageColumns.All.Select(StorageColumns.Name).ToList();

        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Contains("elements", names);
    }

    [Fact]
    public void Every_column_survives_a_reopen_of_rocksdb()
    {
        using var directory = new TempDirectory();
        using (var engine = Chorus.Storage.RocksDb.RocksDbStorageEngine.Open(directory.Path, Chorus.Storage.RocksDb.RocksDbStorageOptions.Default))
        {
            using var batch = engine.NewBatch();
            foreach (var column in StorageColumns.All)
            {
                batch.Put(column, Bytes("durable"), Bytes(StorageColumns.Name(column)));
            }
            engine.Write(batch, sync: true);
        }

        using var reopened = Chorus.Storage.RocksDb.RocksDbStorageEngine.Open(directory.Path, Chorus.Storage.RocksDb.RocksDbStorageOptions.Default);

        foreach (var column in StorageColumns.All)
        {
            Assert.Equal(StorageColumns.Name(column), reopened.GetText(column, "durable"));
        }
    }
}
