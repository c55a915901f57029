using System.Buffers;
using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using Chorus.Commands.Data;
using Chorus.Commands.Execution;
using Chorus.Commands.Keyspace;
using Chorus.Commands.Logical;
using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Resp;
using Chorus.Storage;
using Chorus.Storage.RocksDb;

namespace Chorus.Benchmarks.Micro;

/// <summary>
/// One group of 64 SETs through the apply path on RocksDB (no fsync), the way the node driver
/// does it: the leader executes commands into payloads and log entries; a follower decodes
/// entries and applies them; either way the staged keyspace, the log records and the applied
/// position go to RocksDB in one write batch.
/// </summary>
[MemoryDiagnoser]
public class ApplyBenchmarks
{
    private const int Group = 64;
    private static readonly NodeId Origin = new("n1");
    private string _directory = "";
    private RocksDbStorageEngine _storage = null!;
    private StagedKeyspace _keyspace = null!;
    private WriteExecutor _executor = null!;
    private readonly RequestBatch _requests = new();
    private readonly ArrayBufferWriter<byte> _replies = new(4096);
    private readonly Random _random = new(7);
    private byte[] _entries = [];
    private ulong _lsn;

    [Params(16, 1024)]
    public int ValueBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "chorus-bench-apply-" + Environment.ProcessId + "-" + ValueBytes);
        _storage = RocksDbStorageEngine.Open(_directory, RocksDbStorageOptions.Default);
        _keyspace = new StagedKeyspace(_storage);
        _executor = new WriteExecutor(new CommandTable(DataCommands.All), _keyspace, new Random(1));
        var value = new string('x', ValueBytes);
        var entries = new List<LogEntry>();
        for (var i = 0; i < Group; i++)
        {
            _requests.Clear();
            _requests.Add("SET", $"key:{_random.Next(100_000):D12}", value);
            var payload = _executor.Execute(_requests[0], new RespWriter(_replies, RespProtocol.Resp2), 0)!;
            entries.Add(LogEntry.Create(new LogPosition(new Epoch(1), new Lsn((ulong)i + 1)), HlcTimestamp.Zero, Origin, PayloadKind.Logical, payload));
        }
        using (var discard = _storage.NewBatch())
        {
            _keyspace.FlushTo(discard, Lsn.Zero);
        }
        _entries = LogEntryBatch.Encode(entries);
        _lsn = 1_000_000;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _requests.Dispose();
        _storage.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Description = "leader: execute 64 SETs + persist")]
    public void LeaderExecuteGroup()
    {
        var entries = new List<LogEntry>(Group);
        var value = new string('x', ValueBytes);
        for (var i = 0; i < Group; i++)
        {
            _requests.Clear();
            _requests.Add("SET", $"key:{_random.Next(100_000):D12}", value);
            _replies.ResetWrittenCount();
            var payload = _executor.Execute(_requests[0], new RespWriter(_replies, RespProtocol.Resp2), 0)!;
            entries.Add(LogEntry.Create(new LogPosition(new Epoch(1), new Lsn(++_lsn)), HlcTimestamp.Zero, Origin, PayloadKind.Logical, payload));
        }
        Persist(entries);
    }

    [Benchmark(Description = "follower: decode + apply 64 entries + persist")]
    public void FollowerApplyGroup()
    {
        var entries = LogEntryBatch.Decode(_entries);
        foreach (var entry in entries)
        {
            LogApplier.Apply(entry, _keyspace);
        }
        Persist(entries);
    }

    private void Persist(List<LogEntry> entries)
    {
        using var batch = _storage.NewBatch();
        _keyspace.FlushTo(batch, entries[^1].Lsn);
        Span<byte> key = stackalloc byte[8];
        foreach (var entry in entries)
        {
            BinaryPrimitives.WriteUInt64BigEndian(key, entry.Lsn.Value);
            batch.Put(StorageColumn.Log, key, entry.Encoded.Span);
        }
        _storage.Write(batch, sync: false);
    }
}
