using System.Buffers.Binary;
using Chorus.Storage.Tests.Support;

namespace Chorus.Storage.Tests.Conformance;

/// <summary>
/// Both engines order keys as unsigned bytes (RocksDB's bytewise comparator), so big-endian
/// LSNs and expiry times iterate in numeric order and 0x00 / 0xFF bytes are ordinary bytes.
/// </summary>
public sealed class BinaryKeyOrderTests
{
    /// <summary>In bytewise order, written shuffled below.</summary>
    private static readonly byte[][] _ordered =
    [
        [],
        [0x00],
        [0x00, 0x00],
        [0x00, 0xFF],
        [0x01],
        [0x7F],
        [0x7F, 0xFF, 0xFF],
        [0x80],
        [0xFF],
        [0xFF, 0x00],
        [0xFF, 0xFF],
    ];

    [Theory, ClassData(typeof(AllEngines))]
    public void Keys_iterate_in_unsigned_bytewise_order_both_ways(EngineKind kind)
    {
        using var harness = new EngineHarness(kind);
        WriteShuffled(harness.Engine);

        Assert.Equal(_ordered, harness.Engine.KeysForward(StorageColumn.Data));
        Assert.Equal(_ordered.Reverse(), harness.Engine.KeysBackward(StorageColumn.Data));
    }

    [Theory, ClassData(typeof(AllEngines))]
    public void Keys_differing_only_in_zero_bytes_are_distinct(EngineKind kind)
    {
        using var harness = new EngineHarness(kind);
        WriteShuffled(harness.Engine);

        Assert.Equal([0x00, 0x00], harness.Engine.Get(StorageColumn.Data, [0x00, 0x00]));
        Assert.Equal([0x00], harness.Engine.Get(StorageColumn.Data, [0x00]));
        Assert.Equal([0xFF, 0xAA], harness.Engine.Get(StorageColumn.Data, [])); // the empty key
        Assert.Null(harness.Engine.Get(StorageColumn.Data, [0x00, 0x00, 0x00]));
    }

    [Theory, ClassData(typeof(AllEngines))]
    public void Seeks_compare_bytes_unsigned(EngineKind kind)
    {
        using var harness = new EngineHarness(kind);
        WriteShuffled(harness.Engine);
        using var iterator = harness.Engine.NewIterator(StorageColumn.Data);

        iterator.Seek([0x00, 0x01]);
        Assert.Equal([0x00, 0xFF], iterator.Key.ToArray());
        iterator.Seek([0x80, 0x00]);
        Assert.Equal([0xFF], iterator.Key.ToArray());
        iterator.SeekForPrev([0x7F, 0xFF]);
        Assert.Equal([0x7F], iterator.Key.ToArray());
        iterator.SeekForPrev([0x00]);
        Assert.Equal([0x00], iterator.Key.ToArray());
        iterator.Prev();
        Assert.Equal([], iterator.Key.ToArray());
    }

    /// <summary>DESIGN §3: the log is keyed by big-endian u64 LSN, so scans run in LSN order.</summary>
    [Theory, ClassData(typeof(AllEngines))]
    public void Big_endian_lsn_keys_iterate_in_numeric_order(EngineKind kind)
    {
        using var harness = new EngineHarness(kind);
        ulong[] lsns = [1, 255, 256, 65_535, 65_536, 1UL << 40, ulong.MaxValue];
        foreach (var lsn in lsns.Reverse())
        {
            harness.Engine.Put(StorageColumn.Log, BigEndian(lsn), []);
        }

        var keys = harness.Engine.KeysForward(StorageColumn.Log);

        Assert.Equal(lsns, keys.Select(k => BinaryPrimitives.ReadUInt64BigEndian(k)));
    }

    private static void WriteShuffled(IStorageEngine engine)
    {
        var shuffled = _ordered.ToArray();
        new Random(7).Shuffle(shuffled);
        using var batch = engine.NewBatch();
        foreach (var key in shuffled)
        {
            // Each value is its key, but the empty key's value is not empty, so Get([]) proves it found it.
            batch.Put(StorageColumn.Data, key, key.Length == 0 ? [0xFF, 0xAA] : key);
        }
        engine.Write(batch, sync: false);
    }

    private static byte[] BigEndian(ulong value)
    {
        var bytes = new byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        return bytes;
    }
}
