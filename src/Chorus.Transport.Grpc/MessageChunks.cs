using Chorus.Core.Messaging;
using Chorus.Transport.Grpc.Protocol;
using Google.Protobuf;

namespace Chorus.Transport.Grpc;

/// <summary>
/// Large peer messages travel in pieces: a log entry for a write near chorus-max-write-bytes
/// (31 MiB at most, so an entry with its before-images reaches 63 MiB) would otherwise need a
/// gRPC message as large as the cap, and hold the stream in one piece. Each piece is a frame of
/// its own of at most <see cref="PieceBytes"/>; the pieces of one message are sent back to back.
/// </summary>
public static class MessageChunks
{
    /// <summary>Messages larger than this are split; every piece is at most this long.</summary>
    public const int PieceBytes = 1 << 20;

    /// <summary>The largest message a receiver reassembles: twice the largest entry, so the largest write has room.</summary>
    public const int MessageBytesMax = 128 << 20;

    public static bool NeedsSplitting(Envelope message) => message.Bytes.Length > PieceBytes;

    /// <summary>The frames that carry <paramref name="message"/> in pieces (no copies: they alias its bytes).</summary>
    public static IEnumerable<PeerFrame> Split(string from, Envelope message)
    {
        var total = (ulong)message.Bytes.Length;
        for (var offset = 0; offset < message.Bytes.Length; offset += PieceBytes)
        {
            var length = Math.Min(PieceBytes, message.Bytes.Length - offset);
            yield return new PeerFrame
            {
                From = from,
                Family = message.Family.Value,
                Part = new MessagePart { TotalBytes = total, Offset = (ulong)offset, Data = UnsafeByteOperations.UnsafeWrap(message.Bytes.Slice(offset, length)) },
            };
        }
    }
}

/// <summary>
/// The receiving side of <see cref="MessageChunks"/> for one stream: pieces must arrive in order
/// and add up to the length they announce, within <see cref="MessageChunks.MessageBytesMax"/>;
/// anything else is a broken or hostile peer, and the stream is closed.
/// </summary>
public sealed class MessageReassembly
{
    private byte[]? _buffer;
    private int _received;

    /// <summary>Pieces of a message have arrived but not all of them: nothing else may come in between.</summary>
    public bool InProgress => _buffer is not null;

    /// <summary>Adds a piece; returns the whole message when this was its last piece.</summary>
    public bool TryAdd(MessagePart part, out ReadOnlyMemory<byte> message, out string? error)
    {
        message = default;
        error = Check(part);
        if (error is not null)
        {
            _buffer = null;
            _received = 0;
            return false;
        }
        _buffer ??= new byte[(int)part.TotalBytes];
        part.Data.Span.CopyTo(_buffer.AsSpan(_received));
        _received += part.Data.Length;
        if (_received < _buffer.Length)
        {
            return false;
        }
        message = _buffer;
        _buffer = null;
        _received = 0;
        return true;
    }

    private string? Check(MessagePart part)
    {
        if (part.TotalBytes is 0 or > MessageChunks.MessageBytesMax || part.Data.Length is 0 or > MessageChunks.PieceBytes)
        {
            return $"a message piece of {part.Data.Length} bytes of {part.TotalBytes} is out of bounds (pieces up to {MessageChunks.PieceBytes}, messages up to {MessageChunks.MessageBytesMax})";
        }
        var expected = _buffer is null ? 0UL : (ulong)_received;
        if (part.Offset != expected || (_buffer is not null && (ulong)_buffer.Length != part.TotalBytes) || part.Offset + (ulong)part.Data.Length > part.TotalBytes)
        {
            return $"a message piece at offset {part.Offset} of {part.TotalBytes} bytes arrived where offset {expected} was expected";
        }
        return null;
    }
}
