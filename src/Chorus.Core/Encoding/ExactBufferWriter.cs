using System.Buffers;

namespace Chorus.Core.Encoding;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> over one array of a size the caller computed beforehand.
/// Encoding a large value into a growing buffer and copying it out at the end costs several
/// times the value's size (issue 17: a 512 MiB SETRANGE took the leader to 14 GB); encoding
/// into an exact array costs the value once.
/// </summary>
public sealed class ExactBufferWriter(int length) : IBufferWriter<byte>
{
    // Every byte is written before the array is handed out, so it need not be zeroed first.
    private readonly byte[] _buffer = GC.AllocateUninitializedArray<byte>(length);
    private int _written;

    /// <summary>The encoded bytes; every one of them must have been written.</summary>
    public byte[] ToArray()
    {
        Invariant.That(_written == _buffer.Length, $"an exact buffer of {_buffer.Length} bytes was filled with {_written}");
        return _buffer;
    }

    public void Advance(int count)
    {
        Invariant.That(count >= 0 && _written + count <= _buffer.Length, "an exact buffer is not written past its end");
        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0) => _buffer.AsMemory(_written);

    public Span<byte> GetSpan(int sizeHint = 0) => _buffer.AsSpan(_written);
}
