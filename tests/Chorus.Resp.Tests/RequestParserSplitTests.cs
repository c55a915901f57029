using System.Buffers;
using static Chorus.Resp.Tests.Requests;

namespace Chorus.Resp.Tests;

/// TCP delivers a stream: a request may arrive cut at any byte, in any number of pieces.
public sealed class RequestParserSplitTests
{
    private static readonly string[][] Pipeline =
    [
        ["SET", "key", "va\r\nlue"],
        ["PING"],
        ["GET", "key"],
        ["ECHO", "two words"],
        ["MSET", "a", "", "b", "\0\xff"],
    ];

    private static byte[] PipelineBytes() => Concat(
        Multibulk(Pipeline[0]),
        Bytes.GetBytes("*0\r\nPING\r\n\r\n"),
        Multibulk(Pipeline[2]),
        Bytes.GetBytes("ECHO \"two words\"\n"),
        Multibulk(Pipeline[4]));

    [Fact]
    public void Multibulk_split_at_every_byte_parses_identically()
    {
        var input = PipelineBytes();
        for (var cut = 0; cut <= input.Length; cut++)
        {
            Assert.Equal(Pipeline, ParseInTwoReads(input, cut));
        }
    }

    [Fact]
    public void Every_byte_in_its_own_segment_parses_identically()
    {
        using var batch = new RequestBatch();
        var input = PipelineBytes();

        var run = ParseAll(Sequences.BytePerSegment(input), batch);

        Assert.Equal(OperationStatus.NeedMoreData, run.Status);
        Assert.Equal(input.Length, run.Consumed);
        Assert.Equal(Pipeline, Commands(batch));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(4096)]
    public void Bytes_arriving_one_at_a_time_into_pipe_segments_parse_identically(int segmentBytes)
    {
        var input = PipelineBytes();
        var stream = new Sequences.Growing(input, segmentBytes);

        Assert.Equal(Pipeline, ParseArrivingBytes(stream, input.Length, step: 1));
    }

    [Fact]
    public void Large_value_arriving_in_small_reads_resumes_and_parses_whole()
    {
        var value = string.Concat(Enumerable.Range(0, 40_000).Select(i => (char)('a' + (i % 26))));
        var input = Concat(Multibulk("SET", "k", value), Multibulk("GET", "k"));
        var stream = new Sequences.Growing(input, segmentBytes: 4096);

        Assert.Equal([["SET", "k", value], ["GET", "k"]], ParseArrivingBytes(stream, input.Length, step: 1000));
    }

    [Fact]
    public void Many_arguments_arriving_in_small_reads_parse_whole()
    {
        var args = new[] { "MSET" }.Concat(Enumerable.Range(0, 3000).Select(i => $"k{i}")).ToArray();
        var input = Multibulk(args);
        var stream = new Sequences.Growing(input, segmentBytes: 512);

        Assert.Equal([args], ParseArrivingBytes(stream, input.Length, step: 97));
    }

    /// <summary>Parses the first <paramref name="cut"/> bytes, then everything left in fresh segments.</summary>
    private static string[][] ParseInTwoReads(byte[] input, int cut)
    {
        using var batch = new RequestBatch();
        var first = ParseAll(Sequences.Split(input.AsSpan(0, cut)), batch);
        Assert.Equal(OperationStatus.NeedMoreData, first.Status);
        var commandsAfterFirstRead = batch.Count;

        var rest = input.AsSpan((int)first.Consumed);
        var second = ParseAll(Sequences.Split(rest, cut - (int)first.Consumed), batch);

        Assert.Equal(OperationStatus.NeedMoreData, second.Status);
        Assert.Equal(rest.Length, second.Consumed);
        Assert.True(commandsAfterFirstRead <= batch.Count);
        return Commands(batch);
    }

    /// <summary>
    /// Plays a pipe read loop: each round shows what arrived from the first unconsumed byte on,
    /// and checks that NeedMoreData appended nothing and kept the incomplete request unconsumed.
    /// </summary>
    private static string[][] ParseArrivingBytes(Sequences.Growing stream, int length, int step)
    {
        using var batch = new RequestBatch();
        long consumed = 0;
        for (long arrived = Math.Min(step, length); ; arrived = Math.Min(arrived + step, length))
        {
            var reader = new SequenceReader<byte>(stream.View(consumed, arrived));
            OperationStatus status;
            do
            {
                var countBefore = batch.Count;
                status = RespRequestParser.TryParse(ref reader, batch, RespLimits.Default, out var error);
                Assert.Null(error);
                Assert.Equal(countBefore + (status == OperationStatus.Done ? 1 : 0), batch.Count);
            }
            while (status == OperationStatus.Done);

            consumed += reader.Consumed;
            if (arrived == length)
            {
                Assert.Equal(length, consumed);
                return Commands(batch);
            }
        }
    }
}
