using System.Buffers;
using System.Text;
using Chorus.Core;
using Chorus.Core.Encoding;
using Chorus.Replication.Quorum;

namespace Chorus.Replication.Messages;

/// <summary>
/// Binary encoding of peer messages, version 2 (version 1 had no commit point or read round in
/// AppendEntries and AppendResponse, and no read-index messages; a node refuses a version it does
/// not speak). The transport (gRPC) only frames these bytes, so the simulator exercises the same
/// encoding as the network. The bounded-staleness stamps (AppendResponse.StampMs,
/// AppendEntries.EchoedStampMs) are optional trailing fields, written only when set: a message
/// from a build without them decodes with no stamp (staleness unknown, never falsely fresh).
/// FreshnessRequest (type 11) is new in the same version: a build without it refuses it as an
/// unknown type (a warning), and the asking follower waits for the next heartbeat instead.
/// <code>u8 version | u8 type | len+from | len+to | varint epoch | type fields</code>
/// </summary>
public static class PeerMessageCodec
{
    public const byte FormatVersion = 2;

    private const byte NoAck = 0xFF;

    private enum MessageType : byte
    {
        AppendEntries = 1,
        AppendResponse = 2,
        Subscribe = 3,
        TruncateLog = 4,
        InstallSnapshot = 5,
        RequestVote = 6,
        VoteResponse = 7,
        TimeoutNow = 8,
        ReadIndexRequest = 9,
        ReadIndexResponse = 10,
        FreshnessRequest = 11,
    }

    public static byte[] Encode(PeerMessage message) => EncodeToMemory(message).ToArray();

    /// <summary>
    /// The message's bytes without a copy of them: an AppendEntries carries up to a 63 MiB entry,
    /// and copying it once more per follower showed in the leader's loop.
    /// </summary>
    public static ReadOnlyMemory<byte> EncodeToMemory(PeerMessage message)
    {
        // Room for the whole message up front: a writer that runs out doubles, copying the entries.
        var output = new ArrayBufferWriter<byte>(message is AppendEntries append
            ? append.Entries.Length + 128 + (3 * (append.From.Value.Length + append.To.Value.Length + append.LeaderClientEndpoint.Length))
            : 64);
        Write(output, message);
        return output.WrittenMemory;
    }

    public static void Write(IBufferWriter<byte> output, PeerMessage message)
    {
        var writer = new ByteWriter(output);
        writer.WriteByte(FormatVersion);
        writer.WriteByte((byte)TypeOf(message));
        WriteString(writer, message.From.Value);
        WriteString(writer, message.To.Value);
        writer.WriteVarUInt(message.Epoch.Value);
        switch (message)
        {
            case AppendEntries m:
                WritePosition(writer, m.Prev);
                writer.WriteVarUInt((ulong)m.EntryCount);
                writer.WriteVarUInt(m.LeaderLastLsn.Value);
                writer.WriteUInt64LittleEndian(m.LeaderTime.Packed);
                WriteString(writer, m.LeaderClientEndpoint);
                writer.WriteByte(m.RequiredAck is { } level ? (byte)level : NoAck);
                writer.WriteVarUInt(m.LeaderCommit.Value);
                writer.WriteVarUInt(m.ReadRound);
                writer.WriteLengthPrefixed(m.Entries.Span);
                WriteOptionalStamp(writer, m.EchoedStampMs);
                break;
            case AppendResponse m:
                WritePosition(writer, m.Last);
                writer.WriteVarUInt(m.Flushed.Value);
                writer.WriteVarUInt(m.Received.Value);
                writer.WriteVarUInt(m.ReadRound);
                WriteOptionalStamp(writer, m.StampMs);
                break;
            case ReadIndexRequest m:
                writer.WriteVarUInt(m.RequestId);
                break;
            case FreshnessRequest m:
                writer.WriteVarUInt((ulong)Math.Max(0, m.StampMs));
                break;
            case ReadIndexResponse m:
                writer.WriteVarUInt(m.RequestId);
                writer.WriteByte(m.Committed is null ? (byte)0 : (byte)1);
                WritePosition(writer, m.Committed ?? LogPosition.Zero);
                break;
            case Subscribe m:
                WritePosition(writer, m.Base);
                WritePosition(writer, m.Last);
                writer.WriteVarUInt((ulong)m.Epochs.Count);
                foreach (var (epoch, start) in m.Epochs)
                {
                    writer.WriteVarUInt(epoch.Value);
                    writer.WriteVarUInt(start.Value);
                }
                writer.WriteVarUInt(m.Flushed.Value);
                WriteString(writer, m.ClientEndpoint);
                break;
            case TruncateLog m:
                writer.WriteVarUInt(m.KeepThrough.Value);
                break;
            case InstallSnapshot m:
                WritePosition(writer, m.FollowerLast);
                if (m.Method != FollowerResync.Snapshot)
                {
                    writer.WriteByte((byte)m.Method); // absent for a snapshot: what a build before Merkle resync sends
                }
                break;
            case TimeoutNow:
                break;
            case RequestVote m:
                WritePosition(writer, m.Last);
                writer.WriteByte((byte)((m.PreVote ? 1 : 0) | (m.Transfer ? 2 : 0)));
                break;
            case VoteResponse m:
                writer.WriteByte((byte)((m.Granted ? 1 : 0) | (m.PreVote ? 2 : 0)));
                break;
        }
    }

    private static InstallSnapshot ReadInstallSnapshot(ref ByteReader reader, NodeId from, NodeId to, Epoch epoch)
    {
        var last = ReadPosition(ref reader);
        var method = reader.IsEnd ? FollowerResync.Snapshot : (FollowerResync)reader.ReadByte();
        if (!Enum.IsDefined(method))
        {
            throw new CorruptDataException($"unknown follower resync method {(byte)method}");
        }
        return new InstallSnapshot(from, to, epoch, last, method);
    }

    /// <summary>Decodes a message; an AppendEntries' entries alias <paramref name="bytes"/>.</summary>
    public static PeerMessage Decode(ReadOnlyMemory<byte> bytes)
    {
        var reader = new ByteReader(bytes.Span);
        var version = reader.ReadByte();
        if (version != FormatVersion)
        {
            throw new CorruptDataException($"peer message version {version} is not supported (this build speaks version {FormatVersion})");
        }
        var type = (MessageType)reader.ReadByte();
        var from = ReadNodeId(ref reader);
        var to = ReadNodeId(ref reader);
        var epoch = reader.ReadEpoch();
        PeerMessage message = type switch
        {
            MessageType.AppendEntries => ReadAppendEntries(ref reader, bytes, from, to, epoch),
            MessageType.AppendResponse => new AppendResponse(from, to, epoch, ReadPosition(ref reader), new Lsn(reader.ReadVarUInt()), new Lsn(reader.ReadVarUInt()), reader.ReadVarUInt(), ReadOptionalStamp(ref reader)),
            MessageType.ReadIndexRequest => new ReadIndexRequest(from, to, epoch, reader.ReadVarUInt()),
            MessageType.ReadIndexResponse => ReadReadIndexResponse(ref reader, from, to, epoch),
            MessageType.FreshnessRequest => new FreshnessRequest(from, to, epoch, ReadStamp(ref reader)),
            MessageType.Subscribe => ReadSubscribe(ref reader, from, to, epoch),
            MessageType.TruncateLog => new TruncateLog(from, to, epoch, new Lsn(reader.ReadVarUInt())),
            MessageType.InstallSnapshot => ReadInstallSnapshot(ref reader, from, to, epoch),
            MessageType.TimeoutNow => new TimeoutNow(from, to, epoch),
            MessageType.RequestVote => ReadRequestVote(ref reader, from, to, epoch),
            MessageType.VoteResponse => ReadVoteResponse(ref reader, from, to, epoch),
            _ => throw new CorruptDataException($"unknown peer message type {(byte)type}"),
        };
        if (!reader.IsEnd)
        {
            throw new CorruptDataException($"trailing bytes after {type}");
        }
        return message;
    }

    private static AppendEntries ReadAppendEntries(ref ByteReader reader, ReadOnlyMemory<byte> bytes, NodeId from, NodeId to, Epoch epoch)
    {
        var prev = ReadPosition(ref reader);
        var count = (int)reader.ReadVarUInt();
        var leaderLast = new Lsn(reader.ReadVarUInt());
        var leaderTime = new HlcTimestamp(reader.ReadUInt64LittleEndian());
        var endpoint = Encoding.UTF8.GetString(reader.ReadLengthPrefixed());
        var requiredAck = reader.ReadByte() switch
        {
            NoAck => (AckLevel?)null,
            var level when Enum.IsDefined((AckLevel)level) => (AckLevel)level,
            var level => throw new CorruptDataException($"unknown ack level {level}"),
        };
        var leaderCommit = new Lsn(reader.ReadVarUInt());
        var readRound = reader.ReadVarUInt();
        var length = reader.ReadLength();
        var entries = bytes.Slice(reader.Position, length);
        reader.ReadRaw(length);
        var echoedStamp = ReadOptionalStamp(ref reader);
        return new AppendEntries(from, to, epoch, prev, entries, count, leaderLast, leaderTime, endpoint, requiredAck, leaderCommit, readRound, echoedStamp);
    }

    /// <summary>A bounded-staleness stamp, only when there is one (absent: what a build before stamps sends).</summary>
    private static void WriteOptionalStamp(ByteWriter writer, long stampMs)
    {
        if (stampMs >= 0)
        {
            writer.WriteVarUInt((ulong)stampMs);
        }
    }

    private static long ReadOptionalStamp(ref ByteReader reader)
    {
        if (reader.IsEnd)
        {
            return -1;
        }
        return ReadStamp(ref reader);
    }

    private static long ReadStamp(ref ByteReader reader)
    {
        var stamp = reader.ReadVarUInt();
        return stamp <= long.MaxValue ? (long)stamp : throw new CorruptDataException($"stamp {stamp} is out of range");
    }

    private static ReadIndexResponse ReadReadIndexResponse(ref ByteReader reader, NodeId from, NodeId to, Epoch epoch)
    {
        var requestId = reader.ReadVarUInt();
        var present = reader.ReadByte();
        var position = ReadPosition(ref reader);
        return present switch
        {
            0 => new ReadIndexResponse(from, to, epoch, requestId, null),
            1 => new ReadIndexResponse(from, to, epoch, requestId, position),
            _ => throw new CorruptDataException($"unknown read index flag {present}"),
        };
    }

    private static Subscribe ReadSubscribe(ref ByteReader reader, NodeId from, NodeId to, Epoch epoch)
    {
        var basePosition = ReadPosition(ref reader);
        var last = ReadPosition(ref reader);
        var count = reader.ReadLength();
        var epochs = new (Epoch, Lsn)[count];
        for (var i = 0; i < count; i++)
        {
            epochs[i] = (reader.ReadEpoch(), new Lsn(reader.ReadVarUInt()));
        }
        var flushed = new Lsn(reader.ReadVarUInt());
        var endpoint = Encoding.UTF8.GetString(reader.ReadLengthPrefixed());
        return new Subscribe(from, to, epoch, basePosition, last, epochs, flushed, endpoint);
    }

    private static RequestVote ReadRequestVote(ref ByteReader reader, NodeId from, NodeId to, Epoch epoch)
    {
        var last = ReadPosition(ref reader);
        var flags = Flags(ref reader);
        return new RequestVote(from, to, epoch, last, (flags & 1) != 0, (flags & 2) != 0);
    }

    private static VoteResponse ReadVoteResponse(ref ByteReader reader, NodeId from, NodeId to, Epoch epoch)
    {
        var flags = Flags(ref reader);
        return new VoteResponse(from, to, epoch, (flags & 1) != 0, (flags & 2) != 0);
    }

    private static byte Flags(ref ByteReader reader)
    {
        var flags = reader.ReadByte();
        return flags <= 3 ? flags : throw new CorruptDataException($"unknown flags {flags}");
    }

    private static MessageType TypeOf(PeerMessage message) => message switch
    {
        AppendEntries => MessageType.AppendEntries,
        AppendResponse => MessageType.AppendResponse,
        Subscribe => MessageType.Subscribe,
        TruncateLog => MessageType.TruncateLog,
        InstallSnapshot => MessageType.InstallSnapshot,
        RequestVote => MessageType.RequestVote,
        VoteResponse => MessageType.VoteResponse,
        TimeoutNow => MessageType.TimeoutNow,
        ReadIndexRequest => MessageType.ReadIndexRequest,
        ReadIndexResponse => MessageType.ReadIndexResponse,
        FreshnessRequest => MessageType.FreshnessRequest,
        _ => throw new ArgumentException($"unknown message {message.GetType().Name}", nameof(message)),
    };

    private static void WritePosition(ByteWriter writer, LogPosition position)
    {
        writer.WriteVarUInt(position.Epoch.Value);
        writer.WriteVarUInt(position.Lsn.Value);
    }

    private static LogPosition ReadPosition(ref ByteReader reader) =>
        new(reader.ReadEpoch(), new Lsn(reader.ReadVarUInt()));

    private static void WriteString(ByteWriter writer, string value)
    {
        const int StackBytesMax = 512;
        var maxBytes = Encoding.UTF8.GetMaxByteCount(value.Length);
        Span<byte> buffer = maxBytes <= StackBytesMax ? stackalloc byte[StackBytesMax] : new byte[maxBytes];
        var length = Encoding.UTF8.GetBytes(value, buffer);
        writer.WriteLengthPrefixed(buffer[..length]);
    }

    private static NodeId ReadNodeId(ref ByteReader reader)
    {
        var text = Encoding.UTF8.GetString(reader.ReadLengthPrefixed());
        try
        {
            return new NodeId(text);
        }
        catch (ArgumentException e)
        {
            throw new CorruptDataException($"bad node id in peer message: {e.Message}");
        }
    }
}
