using System.Buffers;

namespace Chorus.Resp.Tests;

/// <summary>Builds multi-segment sequences, the shape a Pipe hands to the parser.</summary>
internal static class Sequences
{
    /// <summary>Splits <paramref name="data"/> into segments at the given offsets.</summary>
    public static ReadOnlySequence<byte> Split(ReadOnlySpan<byte> data, params int[] cuts)
    {
        var length = data.Length;
        var bounds = cuts.Where(c => c > 0 && c < length).Distinct().Order().Append(data.Length).ToArray();
        var first = new Segment(data[..bounds[0]].ToArray(), 0);
        var last = first;
        for (var i = 1; i < bounds.Length; i++)
        {
            last = last.Append(data[bounds[i - 1]..bounds[i]].ToArray());
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>Every byte in a segment of its own.</summary>
    public static ReadOnlySequence<byte> BytePerSegment(ReadOnlySpan<byte> data) =>
        Split(data, Enumerable.Range(1, Math.Max(0, data.Length - 1)).ToArray());

    /// <summary>
    /// A chain of fixed-size segments over all of the data, viewed up to
    /// increasing ends: what a Pipe shows a reader as bytes keep arriving and none is consumed.
    /// </summary>
    public sealed class Growing
    {
        private readonly List<Segment> _segments = [];

        public Growing(ReadOnlySpan<byte> data, int segmentBytes)
        {
            for (var offset = 0; offset < data.Length; offset += segmentBytes)
            {
                var chunk = data.Slice(offset, Math.Min(segmentBytes, data.Length - offset)).ToArray();
                _segments.Add(_segments.Count == 0 ? new Segment(chunk, 0) : _segments[^1].Append(chunk));
            }

            SegmentBytes = segmentBytes;
        }

        public int SegmentBytes { get; }

        /// <summary>The bytes [start, end) of the data, sharing segment objects between calls.</summary>
        public ReadOnlySequence<byte> View(long start, long end)
        {
            var (startSegment, startIndex) = Locate(start, isEnd: false);
            var (endSegment, endIndex) = Locate(end, isEnd: true);
            return new ReadOnlySequence<byte>(startSegment, startIndex, endSegment, endIndex);
        }

        private (Segment Segment, int Index) Locate(long offset, bool isEnd)
        {
            var index = (int)(offset / SegmentBytes);
            var within = (int)(offset % SegmentBytes);
            if (isEnd && within == 0 && index > 0)
            {
                return (_segments[index - 1], SegmentBytes);
            }

            return index == _segments.Count ? (_segments[^1], _segments[^1].Memory.Length) : (_segments[index], within);
        }
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] data, long runningIndex)
        {
            Memory = data;
            RunningIndex = runningIndex;
        }

        public Segment Append(byte[] data)
        {
            var next = new Segment(data, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
