using Chorus.Storage.Tests.Support;
using static Chorus.Storage.Tests.Support.EngineExtensions;

namespace Chorus.Storage.Tests.Conformance;

/// <summary>IStorageIterator, both engines: where each seek lands, over keys b, d, f.</summary>
public sealed class IteratorSeekTests
{
    [Theory, ClassData(typeof(AllEngines))]
    public void An_empty_column_has_no_position(EngineKind kind)
    {
        using var harness = new EngineHarness(kind);
        harness.Engine.Put(StorageColumn.Data, "in another column", "v");
        using var iterator = harness.Engine.NewIterator(StorageColumn.Expiry);

        Assert.False(iterator.Valid);
        iterator.SeekToFirst();
        Assert.False(iterator.Valid);
        iterator.SeekToLast();
        Assert.False(iterator.Valid);
        iterator.Seek([]);
        Assert.False(iterator.Valid);
        iterator.SeekForPrev([0xFF, 0xFF]);
        Assert.False(iterator.Valid);
    }

    [Theory, ClassData(typeof(AllEngines))]
    public void An_unpositioned_iterator_refuses_Key_Value_Next_and_Prev(EngineKind kind)
    {
        using var harness = WithKeys(kind);
        using var iterator = harness.Engine.NewIterator(StorageColumn.Data);
        iterator.Seek(Bytes("g"));

        Assert.False(iterator.Valid);
        Assert.Throws<InvalidOperationException>(() => iterator.Key.Length);
        Assert.Throws<InvalidOperationException>(() => iterator.Value.Length);
        Assert.Throws<InvalidOperationException>(iterator.Next);
        Assert.Throws<InvalidOperationException>(iterator.Prev);
    }

    [Theory]
    [InlineData(EngineKind.InMemory, "", "b")]
    [InlineData(EngineKind.InMemory, "a", "b")]
    [InlineData(EngineKind.InMemory, "d", "d")]
    [InlineData(EngineKind.InMemory, "c", "d")]
    [InlineData(EngineKind.InMemory, "f", "f")]
    [InlineData(EngineKind.InMemory, "f\0", null)]
    [InlineData(EngineKind.RocksDb, "", "b")]
    [InlineData(EngineKind.RocksDb, "a", "b")]
    [InlineData(EngineKind.RocksDb, "d", "d")]
    [InlineData(EngineKind.RocksDb, "c", "d")]
    [InlineData(EngineKind.RocksDb, "f", "f")]
    [InlineData(EngineKind.RocksDb, "f\0", null)]
    public void Seek_lands_on_the_first_key_at_or_after_the_target(EngineKind kind, string target, string? expected)
    {
        using var harness = WithKeys(kind);
        using var iterator = harness.Engine.NewIterator(StorageColumn.Data);

        iterator.Seek(Bytes(target));

        Assert.Equal(expected, iterator.KeyText());
    }

    [Theory]
    [InlineData(EngineKind.InMemory, "a", null)]
    [InlineData(EngineKind.InMemory, "b", "b")]
    [InlineData(EngineKind.InMemory, "b\0", "b")]
    [InlineData(EngineKind.InMemory, "e", "d")]
    [InlineData(EngineKind.InMemory, "z", "f")]
    [InlineData(EngineKind.RocksDb, "a", null)]
    [InlineData(EngineKind.RocksDb, "b", "b")]
    [InlineData(EngineKind.RocksDb, "b\0", "b")]
    [InlineData(EngineKind.RocksDb, "e", "d")]
    [InlineData(EngineKind.RocksDb, "z", "f")]
    public void SeekForPrev_lands_on_the_last_key_at_or_before_the_target(EngineKind kind, string target, string? expected)
    {
        using var harness = WithKeys(kind);
        using var iterator = harness.Engine.NewIterator(StorageColumn.Data);

        iterator.SeekForPrev(Bytes(target));

        Assert.Equal(expected, iterator.KeyText());
    }

    [Theory, ClassData(typeof(AllEngines))]
    public void Next_from_the_first_key_visits_all_in_order_then_runs_off_the_end(EngineKind kind)
    {
        using var harness = WithKeys(kind);
        using var iterator = harness.Engine.NewIterator(StorageColumn.Data);

        iterator.SeekToFirst();
        Assert.Equal("b", iterator.KeyText());
        Assert.Equal("value of b", System.Text.Encoding.UTF8.GetString(iterator.Value));
        iterator.Next();
        Assert.Equal("d", iterator.KeyText());
        Assert.Equal("value of d", System.Text.Encoding.UTF8.GetString(iterator.Value));
        iterator.Next();
        Assert.Equal("f", iterator.KeyText());
        iterator.Next();
        Assert.False(iterator.Valid);
    }

    [Theory, ClassData(typeof(AllEngines))]
    public void Prev_from_the_last_key_visits_all_in_reverse_then_runs_off_the_start(EngineKind kind)
    {
        using var harness = WithKeys(kind);
        using var iterator = harness.Engine.NewIterator(StorageColumn.Data);

        iterator.SeekToLast();
        Assert.Equal("f", iterator.KeyText());
        iterator.Prev();
        Assert.Equal("d", iterator.KeyText());
        iterator.Prev();
        Assert.Equal("b", iterator.KeyText());
        Assert.Equal("value of b", System.Text.Encoding.UTF8.GetString(iterator.Value));
        iterator.Prev();
        Assert.False(iterator.Valid);
    }

    [Theory, ClassData(typeof(AllEngines))]
    public void Next_and_Prev_may_change_direction(EngineKind kind)
    {
        using var harness = WithKeys(kind);
        using var iterator = harness.Engine.NewIterator(StorageColumn.Data);

        iterator.Seek(Bytes("d"));
        iterator.Prev();
        Assert.Equal("b", iterator.KeyText());
        iterator.Next();
        Assert.Equal("d", iterator.KeyText());
        iterator.Next();
        Assert.Equal("f", iterator.KeyText());
        iterator.Prev();
        Assert.Equal("d", iterator.KeyText());
    }

    /// <summary>Keys b, d, f (value "value of &lt;key&gt;") in Data; other columns hold keys in between.</summary>
    private static EngineHarness WithKeys(EngineKind kind)
    {
        var harness = new EngineHarness(kind);
        foreach (var key in new[] { "b", "d", "f" })
        {
            harness.Engine.Put(StorageColumn.Data, key, $"value of {key}");
        }
        foreach (var key in new[] { "a", "c", "e", "g" })
        {
            harness.Engine.Put(StorageColumn.Meta, key, "noise");
            harness.Engine.Put(StorageColumn.Log, key, "noise");
        }
        return harness;
    }
}
