using System.Buffers;

namespace Chorus.Server.Resp;

/// <summary>
/// Where a large request still arriving waits: in our own memory rather than the transport's
/// pipe. Kestrel's pipe keeps partial requests in pooled memory blocks it never gave back (four
/// connections holding 200 MB partial bulks left +820 MB for good; issue 17, finding 3); here
/// they are chunks of <see cref="ChunkBytes"/>, allocated as data arrives (a header promising
/// 512 MB costs nothing until the bytes come), never copied to grow, counted against the client
/// memory limits and released when the request completes or the connection ends. Once active,
/// every byte of the connection passes through it until it is drained.
/// </summary>
internal sealed class QuerySpill
{
    /// <summary>A partial request larger than this moves out of the pipe.</summary>
    public const long ThresholdBytes = 256 * 1024;

    private const int ChunkBytes = 64 * 1024;

    private Chunk? _first;
    private Chunk? _last;
    private int _start;
    private long _chunks;

    public bool IsActive => _first is not null;

    /// <summary>Bytes held for this connection.</summary>
    public long Capacity => _chunks * ChunkBytes;

    /// <summary>The unparsed bytes, from where the parser stopped.</summary>
    public ReadOnlySequence<byte> Sequence => _first is null ? ReadOnlySequence<byte>.Empty : new(_first, _start, _last!, _last!.Length);

    public void Append(ReadOnlySequence<byte> data)
    {
        foreach (var segment in data)
        {
            var rest = segment.Span;
            while (!rest.IsEmpty)
            {
                if (_last is null || _last.Length == ChunkBytes)
                {
                    AddChunk();
                }
                var count = Math.Min(rest.Length, ChunkBytes - _last!.Length);
                rest[..count].CopyTo(_last.Bytes.AsSpan(_last.Length));
                _last.Length += count;
                rest = rest[count..];
            }
        }
    }

    /// <summary>Drops what the parser consumed; chunks go as soon as nothing in them is left.</summary>
    public void Consume(SequencePosition consumed)
    {
        var chunk = (Chunk)consumed.GetObject()!;
        var index = consumed.GetInteger();
        while (_first != chunk)
        {
            DropFirst();
        }
        _start = index;
        if (_first == _last && _start == _last!.Length)
        {
            DropFirst();
        }
    }

    private void AddChunk()
    {
        var chunk = new Chunk(GC.AllocateUninitializedArray<byte>(ChunkBytes), (_last?.RunningIndex + _last?.Length) ?? 0);
        if (_last is null)
        {
            _first = _last = chunk;
            _start = 0;
        }
        else
        {
            _last.SetNext(chunk);
            _last = chunk;
        }
        _chunks++;
    }

    private void DropFirst()
    {
        _first = (Chunk?)_first!.Next;
        _chunks--;
        _start = 0;
        if (_first is null)
        {
            _last = null;
        }
    }

    private sealed class Chunk : ReadOnlySequenceSegment<byte>
    {
        public Chunk(byte[] bytes, long runningIndex)
        {
            Bytes = bytes;
            RunningIndex = runningIndex;
        }

        public byte[] Bytes { get; }

        public int Length
        {
            get => Memory.Length;
            set => Memory = Bytes.AsMemory(0, value);
        }

        public void SetNext(Chunk next) => Next = next;
    }
}
