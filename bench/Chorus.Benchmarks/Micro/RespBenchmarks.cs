using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Chorus.Resp;

namespace Chorus.Benchmarks.Micro;

/// <summary>A pipeline of 16 SETs parsed into a request batch, and 16 replies written.</summary>
[MemoryDiagnoser]
public class RespBenchmarks
{
    private const int Pipeline = 16;
    private readonly RequestBatch _batch = new();
    private readonly ArrayBufferWriter<byte> _output = new(64 * 1024);
    private ReadOnlySequence<byte> _input;
    private byte[] _value = [];

    [Params(16, 1024)]
    public int ValueBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _value = Encoding.ASCII.GetBytes(new string('x', ValueBytes));
        var text = new StringBuilder();
        for (var i = 0; i < Pipeline; i++)
        {
            text.Append($"*3\r\n$3\r\nSET\r\n$16\r\nkey:{i:D12}\r\n${ValueBytes}\r\n{new string('x', ValueBytes)}\r\n");
        }
        _input = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(text.ToString()));
    }

    [GlobalCleanup]
    public void Cleanup() => _batch.Dispose();

    [Benchmark(Description = "parse 16 SETs")]
    public int Parse16Sets()
    {
        _batch.Clear();
        var reader = new SequenceReader<byte>(_input);
        while (RespRequestParser.TryParse(ref reader, _batch, RespLimits.Default, out _) == OperationStatus.Done)
        {
        }
        return _batch.Count;
    }

    [Benchmark(Description = "write 16 bulk replies")]
    public int Write16BulkReplies()
    {
        _output.ResetWrittenCount();
        var writer = new RespWriter(_output, RespProtocol.Resp2);
        for (var i = 0; i < Pipeline; i++)
        {
            writer.WriteBulkString(_value);
        }
        return _output.WrittenCount;
    }

    [Benchmark(Description = "write 16 +OK")]
    public int Write16Ok()
    {
        _output.ResetWrittenCount();
        var writer = new RespWriter(_output, RespProtocol.Resp2);
        for (var i = 0; i < Pipeline; i++)
        {
            writer.WriteOk();
        }
        return _output.WrittenCount;
    }
}
