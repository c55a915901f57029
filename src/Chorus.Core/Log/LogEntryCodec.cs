using System.Buffers;
using Chorus.Core.Encoding;

namespace Chorus.Core.Log;

/// <summary>
/// The binary form of a log entry, identical on disk (the log column family) and on the wire.
/// <code>
/// u8 format version (1) | varint epoch | varint lsn | u64le hlc | len+utf8 origin
/// | u8 payload kind | len+payload
/// </code>
/// A reader that meets a version it does not know refuses the entry (<see cref="CorruptDataException"/>).
/// </summary>
public static class LogEntryCodec
{
    public const byte FormatVersion = 1;

    public static byte[] Encode(LogPosition position, HlcTimestamp timestamp, NodeId origin, PayloadKind kind, ReadOnlySpan<byte> payload)
    {
        var buffer = new ExactBufferWriter(EncodedLength(position, origin, payload.Length));
        Write(buffer, position, timestamp, origin, kind, payload);
        return buffer.ToArray();
    }

    /// <summary>The size of an entry's encoded form: its payload plus a few dozen bytes.</summary>
    public static int EncodedLength(LogPosition position, NodeId origin, int payloadLength)
    {
        var originLength = (origin.Value ?? "").Length;
        return checked(1 + VarInt.Length(position.Epoch.Value) + VarInt.Length(position.Lsn.Value) + 8
            + VarInt.Length((ulong)originLength) + originLength + 1 + VarInt.Length((ulong)payloadLength) + payloadLength);
    }

    public static void Write(IBufferWriter<byte> output, LogPosition position, HlcTimestamp timestamp, NodeId origin, PayloadKind kind, ReadOnlySpan<byte> payload)
    {
        var writer = new ByteWriter(output);
        writer.WriteByte(FormatVersion);
        writer.WriteVarUInt(position.Epoch.Value);
        writer.WriteVarUInt(position.Lsn.Value);
        writer.WriteUInt64LittleEndian(timestamp.Packed);
        Span<byte> originBytes = stackalloc byte[NodeId.LengthMax];
        var originLength = System.Text.Encoding.ASCII.GetBytes(origin.Value ?? "", originBytes);
        writer.WriteLengthPrefixed(originBytes[..originLength]);
        writer.WriteByte((byte)kind);
        writer.WriteLengthPrefixed(payload);
    }

    /// <summary>Decodes an entry; the result's payload and encoded form alias <paramref name="encoded"/>.</summary>
    public static LogEntry Decode(ReadOnlyMemory<byte> encoded)
    {
        var reader = new ByteReader(encoded.Span);
        var (epoch, lsn, timestamp) = ReadHeader(ref reader);
        var origin = DecodeOrigin(reader.ReadLengthPrefixed());
        var kind = (PayloadKind)reader.ReadByte();
        if (!Enum.IsDefined(kind))
        {
            throw new CorruptDataException($"unknown payload kind {(byte)kind}");
        }
        var payloadLength = reader.ReadLength();
        var payload = encoded.Slice(reader.Position, payloadLength);
        reader.ReadRaw(payloadLength);
        if (!reader.IsEnd)
        {
            throw new CorruptDataException("trailing bytes after log entry");
        }
        return new LogEntry(new LogPosition(epoch, lsn), timestamp, origin, kind, payload, encoded);
    }

    /// <summary>An entry's position and timestamp, read from its header without touching (or copying) its payload, which may be tens of MiB.</summary>
    public static (LogPosition Position, HlcTimestamp Timestamp) DecodeHeader(ReadOnlySpan<byte> encoded)
    {
        var reader = new ByteReader(encoded);
        var (epoch, lsn, timestamp) = ReadHeader(ref reader);
        return (new LogPosition(epoch, lsn), timestamp);
    }

    private static (Epoch Epoch, Lsn Lsn, HlcTimestamp Timestamp) ReadHeader(ref ByteReader reader)
    {
        var version = reader.ReadByte();
        if (version != FormatVersion)
        {
            throw new CorruptDataException($"log entry format version {version} is not supported (this build reads version {FormatVersion})");
        }
        var epoch = reader.ReadEpoch();
        var lsn = new Lsn(reader.ReadVarUInt());
        return (epoch, lsn, new HlcTimestamp(reader.ReadUInt64LittleEndian()));
    }

    private static NodeId DecodeOrigin(ReadOnlySpan<byte> bytes) => bytes.IsEmpty ? default : OriginIds.Decode(bytes);
}
