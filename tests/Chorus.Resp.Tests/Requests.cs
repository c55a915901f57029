using System.Buffers;
using System.Text;

namespace Chorus.Resp.Tests;

/// <summary>Helpers to build request bytes and read back what the parser produced.</summary>
internal static class Requests
{
    /// <summary>Latin-1 maps bytes 0..255 to chars one to one, so binary data reads as text.</summary>
    public static readonly Encoding Bytes = Encoding.Latin1;

    public static byte[] Multibulk(params string[] args)
    {
        var text = new StringBuilder().Append('*').Append(args.Length).Append("\r\n");
        foreach (var arg in args)
        {
            text.Append('$').Append(Bytes.GetByteCount(arg)).Append("\r\n").Append(arg).Append("\r\n");
        }

        return Bytes.GetBytes(text.ToString());
    }

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    public static ParseRun ParseAll(ReadOnlySequence<byte> input, RequestBatch batch, RespLimits? limits = null)
    {
        var reader = new SequenceReader<byte>(input);
        while (true)
        {
            var status = RespRequestParser.TryParse(ref reader, batch, limits ?? RespLimits.Default, out var error);
            if (status != OperationStatus.Done)
            {
                return new ParseRun(status, reader.Consumed, error);
            }
        }
    }

    public static ParseRun ParseAll(byte[] input, RequestBatch batch, RespLimits? limits = null) =>
        ParseAll(new ReadOnlySequence<byte>(input), batch, limits);

    /// <summary>Parses a whole input and returns its commands, failing on anything but a clean end.</summary>
    public static string[][] ParseCommands(byte[] input, RespLimits? limits = null)
    {
        using var batch = new RequestBatch();
        var run = ParseAll(input, batch, limits);
        Assert.Equal(OperationStatus.NeedMoreData, run.Status);
        Assert.Equal(input.Length, run.Consumed);
        return Commands(batch);
    }

    public static string[][] Commands(RequestBatch batch) =>
        Enumerable.Range(0, batch.Count).Select(i => Arguments(batch[i])).ToArray();

    public static string[] Arguments(RespCommand command)
    {
        var args = new string[command.ArgumentCount];
        for (var i = 0; i < args.Length; i++)
        {
            args[i] = Bytes.GetString(command[i]);
        }

        return args;
    }

    /// <summary>Parses input that must be rejected and returns the protocol error.</summary>
    public static string ParseError(string input, RespLimits? limits = null)
    {
        using var batch = new RequestBatch();
        var run = ParseAll(Bytes.GetBytes(input), batch, limits);
        Assert.Equal(OperationStatus.InvalidData, run.Status);
        return Assert.IsType<string>(run.Error);
    }
}

internal readonly record struct ParseRun(OperationStatus Status, long Consumed, string? Error);
