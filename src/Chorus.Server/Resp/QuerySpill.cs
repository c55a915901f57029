using System.Buffers;

namespace Chorus.Server.Resp;

/// <summary>
/// Where a large request still arriving waits: our own array rather than the transport's pipe.
/// Kestrel's pipe keeps partial requests in pooled memory blocks it never gave back (four
/// connections holding 200 MB partial bulks left +820 MB for good; issue 17, finding 3); an array
/// here is released when the request completes or the connection ends, and is counted against
/// the client memory limits. Once active, every byte of the connection passes through it until
/// it is drained.
/// </summary>
internal sealed class QuerySpill
{
    /// <summary>A partial request larger than this moves out of the pipe.</summary>
    public const long ThresholdBytes = 256 * 1024;

    private byte[] _buffer = [];
    private int _start;
    private int _end;

    public bool IsActive => _end > _start;

    /// <summary>Bytes held for this connection (the array's size).</summary>
    public long Capacity => _buffer.Length;

    public ReadOnlySequence<byte> Sequence => new(_buffer, _start, _end - _start);

    /// <summary>Copies <paramref name="data"/> in; <paramref name="bytesNeeded"/> is how long the request still arriving is, at least.</summary>
    public void Append(ReadOnlySequence<byte> data, long bytesNeeded)
    {
        var length = _end - _start;
        var wanted = length + data.Length;
        if (wanted > _buffer.Length - _start)
        {
            if (wanted > Array.MaxLength)
            {
                throw new InvalidOperationException($"a request of {wanted} bytes cannot be buffered");
            }
            // Double as data arrives, never past what the request needs: a header alone promising
            // 512 MB must not make us hold 512 MB.
            var grown = GC.AllocateUninitializedArray<byte>((int)Math.Min(Array.MaxLength, Math.Max(wanted, Math.Min(2L * length, bytesNeeded))));
            _buffer.AsSpan(_start, length).CopyTo(grown);
            _buffer = grown;
            _start = 0;
            _end = length;
        }
        data.CopyTo(_buffer.AsSpan(_end));
        _end += (int)data.Length;
    }

    /// <summary>Drops what the parser consumed; lets the array go once nothing is left in it.</summary>
    public void Consume(SequencePosition consumed)
    {
        _start += (int)Sequence.Slice(0, consumed).Length;
        if (_start == _end)
        {
            _buffer = [];
            _start = _end = 0;
        }
    }
}
