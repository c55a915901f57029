using System.Buffers;

namespace Chorus.Resp.Fuzz;

/// <summary>
/// One fuzz input through the RESP request parser, twice: all at once, and in pieces the way a
/// connection delivers it (a pipe that keeps unconsumed bytes in place, so the parser resumes
/// its scan of a request still arriving). Both must parse the same commands and end the same
/// way, within the limits; anything else — an exception, a disagreement — is a crash.
/// The first byte of the input chooses where the pieces are cut; the rest is the request stream.
/// </summary>
public static class RequestParserTarget
{
    /// <summary>Small limits, so inputs reach them.</summary>
    public static readonly RespLimits Limits = new()
    {
        BulkLengthMax = 1024,
        ArgumentCountMax = 64,
        InlineLengthMax = 256,
        RequestLengthMax = 4096,
    };

    public static void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }
        var cuts = input[0];
        var stream = input[1..].ToArray();
        var whole = ParseWhole(stream);
        var pieces = ParseInPieces(stream, cuts);
        Check(whole.Commands.Count == pieces.Commands.Count, $"{whole.Commands.Count} commands at once, {pieces.Commands.Count} in pieces");
        for (var i = 0; i < whole.Commands.Count; i++)
        {
            Check(whole.Commands[i].Length == pieces.Commands[i].Length && whole.Commands[i].Zip(pieces.Commands[i]).All(p => p.First.AsSpan().SequenceEqual(p.Second)), $"command {i} differs");
        }
        Check(whole.Error == pieces.Error, $"ended with '{whole.Error}' at once, '{pieces.Error}' in pieces");
    }

    private sealed record Outcome(List<byte[][]> Commands, string? Error);

    private static Outcome ParseWhole(byte[] stream)
    {
        using var batch = new RequestBatch();
        var commands = new List<byte[][]>();
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(stream));
        var error = Drain(ref reader, batch, commands);
        return new Outcome(commands, error);
    }

    /// <summary>The connection loop's way: parse what has arrived, consume what was parsed, keep the rest where it is.</summary>
    private static Outcome ParseInPieces(byte[] stream, byte cuts)
    {
        using var batch = new RequestBatch();
        var commands = new List<byte[][]>();
        var random = new Random(cuts);
        Segment? first = null;
        Segment? last = null;
        var start = 0;
        var offset = 0;
        while (offset < stream.Length)
        {
            var length = Math.Min(stream.Length - offset, 1 + random.Next(cuts % 4 == 0 ? 3 : 64));
            var segment = new Segment(stream.AsMemory(offset, length), last);
            first ??= segment;
            last = segment;
            offset += length;
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(first, start, last, last.Memory.Length));
            var error = Drain(ref reader, batch, commands);
            if (error is not null)
            {
                return new Outcome(commands, error);
            }
            // Consume up to where the parser stopped; the unconsumed bytes stay in their segments.
            var position = reader.Position;
            first = (Segment)position.GetObject()!;
            start = position.GetInteger();
        }
        return new Outcome(commands, null);
    }

    private static string? Drain(ref SequenceReader<byte> reader, RequestBatch batch, List<byte[][]> commands)
    {
        while (true)
        {
            var before = reader.Consumed;
            var status = RespRequestParser.TryParse(ref reader, batch, Limits, out var error);
            Check(reader.Consumed >= before, "the parser moved backwards");
            switch (status)
            {
                case OperationStatus.Done:
                    var command = batch[batch.Count - 1];
                    Check(command.ArgumentCount >= 1, "a command without a name");
                    commands.Add(Enumerable.Range(0, command.ArgumentCount).Select(i => command[i].ToArray()).ToArray());
                    Check(commands[^1].Sum(a => (long)a.Length) <= Limits.RequestLengthMax + Limits.InlineLengthMax, "a request over the limits");
                    if (batch.Count > 16)
                    {
                        batch.Clear();
                    }
                    break;
                case OperationStatus.NeedMoreData:
                    return null;
                case OperationStatus.InvalidData:
                    Check(error is not null, "invalid data without an error text");
                    return error;
                default:
                    throw new InvalidOperationException($"unexpected status {status}");
            }
        }
    }

    private static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException("RESP parser fuzz check failed: " + what);
        }
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, Segment? previous)
        {
            Memory = memory;
            if (previous is not null)
            {
                RunningIndex = previous.RunningIndex + previous.Memory.Length;
                previous.Next = this;
            }
        }
    }
}
