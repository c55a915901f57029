using System.Buffers;
using System.Text;
using Chorus.Core;
using Chorus.Core.Encoding;
using Chorus.Core.Versions;

namespace Chorus.Replication.Leaderless.Messages;

/// <summary>
/// Binary encoding of leaderless messages, version 1. The transport frames these bytes under
/// <see cref="Core.Messaging.MessageFamily.Leaderless"/>; the simulator runs the same encoding.
/// <code>u8 version | u8 type | varint ring-version | type fields</code>
/// Keys, values and versions are length-prefixed; counts are bounded by the bytes left, so a
/// hostile or corrupt message is refused with <see cref="CorruptDataException"/>, never trusted.
/// </summary>
public static class LeaderlessCodec
{
    public const byte FormatVersion = 1;

    private enum Type : byte
    {
        Ping = 1,
        Pong = 2,
        Store = 3,
        Stored = 4,
        Fetch = 5,
        Fetched = 6,
        Coordinate = 7,
        Coordinated = 8,
        TreeLevels = 9,
        RangeKeys = 10,
        StreamRange = 11,
        RingUpdate = 12,
        Reap = 13,
        Handover = 14,
    }

    public static byte[] Encode(LeaderlessMessage message)
    {
        var output = new ArrayBufferWriter<byte>(64);
        var writer = new ByteWriter(output);
        writer.WriteByte(FormatVersion);
        writer.WriteByte((byte)TypeOf(message));
        writer.WriteVarInt(message.RingVersion);
        WriteFields(writer, message);
        return output.WrittenSpan.ToArray();
    }

    public static LeaderlessMessage Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = new ByteReader(bytes);
        FormatCheck.Version(reader.ReadByte(), FormatVersion, "leaderless message");
        var type = (Type)reader.ReadByte();
        var ring = reader.ReadVarInt();
        LeaderlessMessage message = type switch
        {
            Type.Ping => new Ping(ring),
            Type.Pong => new Pong(ring),
            Type.Store => new Store(ring, reader.ReadVarUInt(), Bytes(ref reader), Bytes(ref reader), OptionalNode(ref reader)),
            Type.Stored => new Stored(ring, reader.ReadVarUInt(), Bytes(ref reader)),
            Type.Fetch => new Fetch(ring, reader.ReadVarUInt(), ByteList(ref reader)),
            Type.Fetched => new Fetched(ring, reader.ReadVarUInt(), ByteList(ref reader)),
            Type.Coordinate => ReadCoordinate(ref reader, ring),
            Type.Coordinated => ReadCoordinated(ref reader, ring),
            Type.TreeLevels => ReadTreeLevels(ref reader, ring),
            Type.RangeKeys => ReadRangeKeys(ref reader, ring),
            Type.StreamRange => new StreamRange(ring, reader.ReadVarUInt(), ReadRanges(ref reader)),
            Type.RingUpdate => new RingUpdate(ring, Bytes(ref reader)),
            Type.Reap => new Reap(ring, Bytes(ref reader), VersionVectorCodec.Decode(reader.ReadLengthPrefixed())),
            Type.Handover => new Handover(ring, reader.ReadByte() switch
            {
                0 => false,
                1 => true,
                var flag => throw new CorruptDataException($"unknown handover flag {flag}"),
            }),
            _ => throw new CorruptDataException($"unknown leaderless message type {(byte)type}"),
        };
        FormatCheck.End(reader, "leaderless message");
        return message;
    }

    private static Type TypeOf(LeaderlessMessage message) => message switch
    {
        Ping => Type.Ping,
        Pong => Type.Pong,
        Store => Type.Store,
        Stored => Type.Stored,
        Fetch => Type.Fetch,
        Fetched => Type.Fetched,
        Coordinate => Type.Coordinate,
        Coordinated => Type.Coordinated,
        TreeLevels => Type.TreeLevels,
        RangeKeys => Type.RangeKeys,
        StreamRange => Type.StreamRange,
        RingUpdate => Type.RingUpdate,
        Reap => Type.Reap,
        Handover => Type.Handover,
        _ => throw new ArgumentOutOfRangeException(nameof(message), message.GetType().Name, null),
    };

    private static void WriteFields(ByteWriter writer, LeaderlessMessage message)
    {
        switch (message)
        {
            case Store m:
                writer.WriteVarUInt(m.RequestId);
                writer.WriteLengthPrefixed(m.Key);
                writer.WriteLengthPrefixed(m.Versions);
                WriteOptionalNode(writer, m.HintFor);
                break;
            case Stored m:
                writer.WriteVarUInt(m.RequestId);
                writer.WriteLengthPrefixed(m.Key);
                break;
            case Fetch m:
                writer.WriteVarUInt(m.RequestId);
                WriteByteList(writer, m.Keys);
                break;
            case Fetched m:
                writer.WriteVarUInt(m.RequestId);
                WriteByteList(writer, m.Versions);
                break;
            case Coordinate m:
                writer.WriteVarUInt(m.RequestId);
                writer.WriteLengthPrefixed(m.Key);
                WriteOptionalBytes(writer, m.Value);
                WriteOptionalBytes(writer, m.Context is null ? null : VersionVectorCodec.Encode(m.Context));
                writer.WriteVarUInt((ulong)m.N);
                writer.WriteVarUInt((ulong)m.W);
                writer.WriteVarUInt((ulong)m.ExpiresAtMs);
                break;
            case Coordinated m:
                writer.WriteVarUInt(m.RequestId);
                writer.WriteByte((byte)m.Status);
                writer.WriteLengthPrefixed(m.Versions);
                writer.WriteByte(m.WasLive ? (byte)1 : (byte)0);
                writer.WriteVarUInt((ulong)m.Required);
                writer.WriteVarUInt((ulong)m.Replied);
                writer.WriteVarUInt((ulong)m.Asked);
                writer.WriteVarUInt((ulong)m.WaitedMs);
                writer.WriteLengthPrefixed(Encoding.UTF8.GetBytes(m.Reason));
                break;
            case TreeLevels m:
                writer.WriteVarUInt(m.Session);
                writer.WriteByte(m.Reply ? (byte)1 : (byte)0);
                writer.WriteVarUInt((ulong)m.Levels.Count);
                foreach (var level in m.Levels)
                {
                    writer.WriteLengthPrefixed(MerkleLevelCodec.Encode(level));
                }
                break;
            case RangeKeys m:
                writer.WriteVarUInt(m.Session);
                WriteRanges(writer, m.Ranges);
                writer.WriteVarUInt((ulong)m.Keys.Count);
                foreach (var (key, versions) in m.Keys)
                {
                    writer.WriteLengthPrefixed(key);
                    writer.WriteLengthPrefixed(versions);
                }
                writer.WriteByte((byte)((m.Last ? 1 : 0) | (m.SendYours ? 2 : 0)));
                break;
            case StreamRange m:
                writer.WriteVarUInt(m.Session);
                WriteRanges(writer, m.Ranges);
                break;
            case Handover m:
                writer.WriteByte(m.Received ? (byte)1 : (byte)0);
                break;
            case RingUpdate m:
                writer.WriteLengthPrefixed(m.Ring);
                break;
            case Reap m:
                writer.WriteLengthPrefixed(m.Key);
                writer.WriteLengthPrefixed(VersionVectorCodec.Encode(m.Context));
                break;
        }
    }

    private static Coordinate ReadCoordinate(ref ByteReader reader, long ring)
    {
        var id = reader.ReadVarUInt();
        var key = Bytes(ref reader);
        var value = OptionalBytes(ref reader);
        var context = OptionalBytes(ref reader) is { } encoded ? VersionVectorCodec.Decode(encoded) : null;
        var (n, w) = (SmallCount(ref reader), SmallCount(ref reader));
        var expiresAtMs = reader.ReadVarUInt();
        if (expiresAtMs > long.MaxValue)
        {
            throw new CorruptDataException($"write expiry {expiresAtMs} is out of range");
        }
        return new Coordinate(ring, id, key, value, context, n, w, (long)expiresAtMs);
    }

    private static Coordinated ReadCoordinated(ref ByteReader reader, long ring)
    {
        var id = reader.ReadVarUInt();
        var status = reader.ReadByte();
        if (status > (byte)CoordinatedStatus.NoCoordinator)
        {
            throw new CorruptDataException($"unknown coordinated status {status}");
        }
        var versions = Bytes(ref reader);
        var wasLive = Flag(ref reader);
        var (required, replied, asked) = (SmallCount(ref reader), SmallCount(ref reader), SmallCount(ref reader));
        var waited = (long)Math.Min(reader.ReadVarUInt(), long.MaxValue);
        var reason = Encoding.UTF8.GetString(reader.ReadLengthPrefixed());
        return new Coordinated(ring, id, (CoordinatedStatus)status, versions, wasLive, required, replied, asked, waited, reason);
    }

    private static TreeLevels ReadTreeLevels(ref ByteReader reader, long ring)
    {
        var session = reader.ReadVarUInt();
        var reply = Flag(ref reader);
        var levels = new MerkleLevel[reader.ReadLength(reader.Remaining)];
        for (var i = 0; i < levels.Length; i++)
        {
            levels[i] = MerkleLevelCodec.Decode(reader.ReadLengthPrefixed());
        }
        return new TreeLevels(ring, session, reply, levels);
    }

    private static RangeKeys ReadRangeKeys(ref ByteReader reader, long ring)
    {
        var session = reader.ReadVarUInt();
        var ranges = ReadRanges(ref reader);
        var keys = new (byte[], byte[])[reader.ReadLength(reader.Remaining)];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = (Bytes(ref reader), Bytes(ref reader));
        }
        var flags = reader.ReadByte();
        if ((flags & ~3) != 0)
        {
            throw new CorruptDataException($"unknown range keys flags 0x{flags:x2}");
        }
        return new RangeKeys(ring, session, ranges, keys, (flags & 1) != 0, (flags & 2) != 0);
    }

    private static void WriteRanges(ByteWriter writer, IReadOnlyList<HashRange> ranges)
    {
        writer.WriteVarUInt((ulong)ranges.Count);
        foreach (var range in ranges)
        {
            WriteRange(writer, range);
        }
    }

    private static HashRange[] ReadRanges(ref ByteReader reader)
    {
        var ranges = new HashRange[reader.ReadLength(reader.Remaining)];
        for (var i = 0; i < ranges.Length; i++)
        {
            ranges[i] = ReadRange(ref reader);
        }
        return ranges;
    }

    private static void WriteRange(ByteWriter writer, HashRange range)
    {
        writer.WriteVarUInt(range.Start);
        writer.WriteVarUInt(range.End);
    }

    private static HashRange ReadRange(ref ByteReader reader)
    {
        var range = new HashRange(reader.ReadVarUInt(), reader.ReadVarUInt());
        if (range.IsEmpty || range.End > KeyHash.SpaceEnd)
        {
            throw new CorruptDataException($"hash range {range} is empty or outside the key-hash space");
        }
        return range;
    }

    private static int SmallCount(ref ByteReader reader)
    {
        var value = reader.ReadVarUInt();
        return value <= 1_000_000 ? (int)value : throw new CorruptDataException($"count {value} is implausible");
    }

    /// <summary>A boolean: 0 or 1, nothing else (one encoding per message).</summary>
    private static bool Flag(ref ByteReader reader) => reader.ReadByte() switch
    {
        0 => false,
        1 => true,
        var other => throw new CorruptDataException($"flag byte {other} is neither 0 nor 1"),
    };

    private static byte[] Bytes(ref ByteReader reader) => reader.ReadLengthPrefixed().ToArray();

    private static void WriteByteList(ByteWriter writer, IReadOnlyList<byte[]> list)
    {
        writer.WriteVarUInt((ulong)list.Count);
        foreach (var item in list)
        {
            writer.WriteLengthPrefixed(item);
        }
    }

    private static byte[][] ByteList(ref ByteReader reader)
    {
        var list = new byte[reader.ReadLength(reader.Remaining)][];
        for (var i = 0; i < list.Length; i++)
        {
            list[i] = Bytes(ref reader);
        }
        return list;
    }

    private static void WriteOptionalBytes(ByteWriter writer, byte[]? bytes)
    {
        writer.WriteByte(bytes is null ? (byte)0 : (byte)1);
        if (bytes is not null)
        {
            writer.WriteLengthPrefixed(bytes);
        }
    }

    private static byte[]? OptionalBytes(ref ByteReader reader) => reader.ReadByte() switch
    {
        0 => null,
        1 => Bytes(ref reader),
        var other => throw new CorruptDataException($"optional field tag {other} is neither 0 nor 1"),
    };

    private static void WriteOptionalNode(ByteWriter writer, NodeId? node) =>
        WriteOptionalBytes(writer, node is { } id ? Encoding.ASCII.GetBytes(id.Value) : null);

    private static NodeId? OptionalNode(ref ByteReader reader)
    {
        if (OptionalBytes(ref reader) is not { } bytes)
        {
            return null;
        }
        return NodeId.TryParse(Encoding.ASCII.GetString(bytes), out var id) ? id : throw new CorruptDataException("hint target is not a node id");
    }
}
