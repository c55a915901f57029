using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using Chorus.Storage;
using Chorus.Storage.RocksDb;
using RocksDbSharp;

namespace Chorus.Benchmarks.Micro;

/// <summary>
/// The floor RocksDB itself sets under Chorus's write path (issue 14 asks for it to be measured
/// before it is blamed): one write batch per loop round, of <see cref="Group"/> SETs, without
/// fsync (everysec's foreground cost), with the options Chorus uses (16 MiB memtables, LZ4, a WAL).
/// What a single-node SET persists is one log record (sequential big-endian LSN key, ~60 B), one
/// data record (a random key of a 100,000-key working set, as <c>redis-benchmark -r 100000</c>,
/// 16 B value plus the record header) and, once per batch, the applied LSN in meta.
/// <list type="bullet">
/// <item>The <c>raw</c> rows call RocksDbSharp directly: nothing of Chorus but the shape of the batch.</item>
/// <item>The <c>engine</c> rows go through <see cref="RocksDbStorageEngine"/> (its record cache on or off),
/// what the node loop calls.</item>
/// </list>
/// Divide Mean by <see cref="Group"/> for the cost per SET; compare with Redis's whole SET
/// (1.5–2.3 µs of CPU per request at -P 16 in BENCHMARKS.md).
/// </summary>
[MemoryDiagnoser]
public class RocksDbFloorBenchmarks
{
    private const int Keys = 100_000;
    private static readonly byte[] LogPayload = new byte[60];
    private static readonly byte[] DataValue = new byte[28];
    private static readonly byte[] AppliedKey = "applied-lsn"u8.ToArray();

    private string _directory = "";
    private RocksDb _raw = null!;
    private ColumnFamilyHandle _rawLog = null!;
    private ColumnFamilyHandle _rawData = null!;
    private ColumnFamilyHandle _rawMeta = null!;
    private readonly WriteOptions _unsynced = new WriteOptions().SetSync(false);
    private RocksDbStorageEngine _cached = null!;
    private RocksDbStorageEngine _uncached = null!;
    private readonly Random _random = new(14);
    private readonly byte[] _dataKey = new byte[25];
    private readonly byte[] _logKey = new byte[8];
    private readonly byte[] _lsnValue = new byte[8];
    private ulong _lsn;

    [Params(64, 512)]
    public int Group { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "chorus-bench-floor-" + Environment.ProcessId + "-" + Group);
        Directory.CreateDirectory(_directory);
        var families = new ColumnFamilies(Family());
        foreach (var name in new[] { "log", "data", "meta" })
        {
            families.Add(name, Family());
        }
        _raw = RocksDb.Open(new DbOptions().SetCreateIfMissing(true).SetCreateMissingColumnFamilies(true).IncreaseParallelism(2).SetMaxTotalWalSize(64UL << 20),
            Path.Combine(_directory, "raw"), families);
        _rawLog = _raw.GetColumnFamily("log");
        _rawData = _raw.GetColumnFamily("data");
        _rawMeta = _raw.GetColumnFamily("meta");
        _cached = RocksDbStorageEngine.Open(Path.Combine(_directory, "cached"), RocksDbStorageOptions.Default);
        _uncached = RocksDbStorageEngine.Open(Path.Combine(_directory, "uncached"), RocksDbStorageOptions.Default with { RecordCacheBytes = 0 });
        // Fill the working set once, so every later write replaces a key, as in a long benchmark run.
        for (var start = 0; start < Keys; start += 1000)
        {
            RawRound(1000, sequentialKeysFrom: start);
            Fill(_cached, start);
            Fill(_uncached, start);
        }
    }

    private static ColumnFamilyOptions Family() => new ColumnFamilyOptions()
        .SetWriteBufferSize(16UL << 20)
        .SetCompression(Compression.Lz4);

    [GlobalCleanup]
    public void Cleanup()
    {
        _raw.Dispose();
        _cached.Dispose();
        _uncached.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Description = "raw: log records only")]
    public void RawLogOnly()
    {
        using var batch = new WriteBatch();
        for (var i = 0; i < Group; i++)
        {
            batch.Put(NextLogKey(), LogPayload, _rawLog);
        }
        _raw.Write(batch, _unsynced);
    }

    [Benchmark(Description = "raw: data records only")]
    public void RawDataOnly()
    {
        using var batch = new WriteBatch();
        for (var i = 0; i < Group; i++)
        {
            batch.Put(NextDataKey(-1), DataValue, _rawData);
        }
        _raw.Write(batch, _unsynced);
    }

    [Benchmark(Description = "raw: a SET's records (log + data, meta once)")]
    public void RawSetShape() => RawRound(Group, sequentialKeysFrom: -1);

    [Benchmark(Description = "raw: point read of a written key")]
    public void RawPointRead()
    {
        for (var i = 0; i < Group; i++)
        {
            _raw.Get(NextDataKey(-1), _rawData);
        }
    }

    [Benchmark(Description = "engine: a SET's records, record cache on")]
    public void EngineCached() => EngineRound(_cached);

    [Benchmark(Description = "engine: a SET's records, record cache off")]
    public void EngineUncached() => EngineRound(_uncached);

    private void RawRound(int count, int sequentialKeysFrom)
    {
        using var batch = new WriteBatch();
        for (var i = 0; i < count; i++)
        {
            batch.Put(NextLogKey(), LogPayload, _rawLog);
            batch.Put(NextDataKey(sequentialKeysFrom < 0 ? -1 : sequentialKeysFrom + i), DataValue, _rawData);
        }
        BinaryPrimitives.WriteUInt64BigEndian(_lsnValue, _lsn);
        batch.Put(AppliedKey, _lsnValue, _rawMeta);
        _raw.Write(batch, _unsynced);
    }

    private void EngineRound(RocksDbStorageEngine engine)
    {
        using var batch = engine.NewBatch();
        for (var i = 0; i < Group; i++)
        {
            // The node reads each key before writing it (the before-image); so does this round.
            var key = NextDataKey(-1);
            engine.Get(StorageColumn.Data, key);
            batch.Put(StorageColumn.Log, NextLogKey(), LogPayload);
            batch.Put(StorageColumn.Data, key, DataValue);
        }
        BinaryPrimitives.WriteUInt64BigEndian(_lsnValue, _lsn);
        batch.Put(StorageColumn.Meta, AppliedKey, _lsnValue);
        engine.Write(batch, sync: false);
    }

    private void Fill(RocksDbStorageEngine engine, int start)
    {
        using var batch = engine.NewBatch();
        for (var i = start; i < start + 1000; i++)
        {
            batch.Put(StorageColumn.Data, NextDataKey(i), DataValue);
        }
        engine.Write(batch, sync: false);
    }

    private byte[] NextLogKey()
    {
        BinaryPrimitives.WriteUInt64BigEndian(_logKey, ++_lsn);
        return _logKey;
    }

    /// <summary>A data key like the node's (database, hash, key): 25 bytes, the key number in decimal at the end.</summary>
    private byte[] NextDataKey(int sequential)
    {
        var number = sequential >= 0 ? sequential : _random.Next(Keys);
        "0:key:"u8.CopyTo(_dataKey);
        number.TryFormat(_dataKey.AsSpan(6), out var written, "D19");
        return _dataKey;
    }
}
