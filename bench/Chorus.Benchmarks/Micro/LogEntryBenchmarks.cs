using BenchmarkDotNet.Attributes;
using Chorus.Core;
using Chorus.Core.Log;

namespace Chorus.Benchmarks.Micro;

/// <summary>
/// Log entry encode/decode. <c>LogEntry.Create</c> is what the leader calls per proposed write;
/// it encodes and then decodes the bytes it just wrote.
/// </summary>
[MemoryDiagnoser]
public class LogEntryBenchmarks
{
    private static readonly NodeId Origin = new("n1");
    private static readonly LogPosition Position = new(new Epoch(3), new Lsn(123_456_789));
    private byte[] _payload = [];
    private byte[] _encoded = [];
    private LogEntry[] _entries = [];
    private byte[] _batch = [];

    [Params(40, 1100)]
    public int PayloadBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _payload = new byte[PayloadBytes];
        new Random(1).NextBytes(_payload);
        _encoded = LogEntryCodec.Encode(Position, HlcTimestamp.Zero, Origin, PayloadKind.Logical, _payload);
        _entries = [.. Enumerable.Range(1, 64).Select(i => LogEntry.Create(new LogPosition(new Epoch(3), new Lsn((ulong)i)), HlcTimestamp.Zero, Origin, PayloadKind.Logical, _payload))];
        _batch = LogEntryBatch.Encode(_entries);
    }

    [Benchmark(Description = "LogEntry.Create (encode+decode)")]
    public LogEntry Create() => LogEntry.Create(Position, HlcTimestamp.Zero, Origin, PayloadKind.Logical, _payload);

    [Benchmark(Description = "LogEntryCodec.Encode")]
    public byte[] Encode() => LogEntryCodec.Encode(Position, HlcTimestamp.Zero, Origin, PayloadKind.Logical, _payload);

    [Benchmark(Description = "LogEntryCodec.Decode")]
    public LogEntry Decode() => LogEntryCodec.Decode(_encoded);

    [Benchmark(Description = "LogEntryBatch.Encode x64")]
    public byte[] BatchEncode64() => LogEntryBatch.Encode(_entries);

    [Benchmark(Description = "LogEntryBatch.Decode x64")]
    public int BatchDecode64() => LogEntryBatch.Decode(_batch).Count;

    /// <summary>As a follower decodes an AppendEntries: the message says how many entries it holds.</summary>
    [Benchmark(Description = "LogEntryBatch.Decode x64, count known")]
    public int BatchDecode64Counted() => LogEntryBatch.Decode(_batch, _entries.Length).Count;
}
