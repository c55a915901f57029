using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using Chorus.Commands.Values;
using Chorus.Core.Encoding;

namespace Chorus.Commands.Data.Keys.Rdb;

/// <summary>
/// Redis 7.0's DUMP payload (cluster.c createDumpPayload / verifyDumpPayload): one RDB object (a
/// type byte and its serialization), the RDB version (u16 little-endian, 10) and a CRC-64 Jones of
/// everything before it (u64 little-endian). Writing uses the plain encodings every Redis version
/// loads (string, list, set, sorted set with binary scores, hash); reading also takes Redis's
/// compact ones (int and LZF strings, quicklist of listpacks or ziplists, intset, listpack and
/// ziplist hashes and sorted sets). Streams are written as Redis 7.0 writes them
/// (RDB_TYPE_STREAM_LISTPACKS_2) and read in that, the older (Redis 5–6) and Redis 7.2's type (<see cref="RdbStream"/>).
/// </summary>
internal static class RdbPayload
{
    private const int FooterLength = sizeof(ushort) + sizeof(ulong);

    public static byte[] Encode(DumpPayload.Value value)
    {
        var output = new ArrayBufferWriter<byte>(64);
        switch (value.Type)
        {
            case DataType.String:
                Byte(output, RdbTypes.String);
                String(output, value.Text);
                break;
            case DataType.List:
                Byte(output, RdbTypes.List);
                Length(output, (ulong)value.Elements.Count);
                value.Elements.ForEach(e => String(output, e.Value));
                break;
            case DataType.Set:
                Byte(output, RdbTypes.Set);
                Length(output, (ulong)value.Elements.Count);
                value.Elements.ForEach(e => String(output, e.Name));
                break;
            case DataType.SortedSet:
                Byte(output, RdbTypes.ZSet2);
                Length(output, (ulong)value.Elements.Count);
                foreach (var (member, _, score) in value.Elements)
                {
                    String(output, member);
                    BinaryPrimitives.WriteDoubleLittleEndian(output.GetSpan(8), score);
                    output.Advance(8);
                }
                break;
            case DataType.Hash:
                Byte(output, RdbTypes.Hash);
                Length(output, (ulong)value.Elements.Count);
                value.Elements.ForEach(e => { String(output, e.Name); String(output, e.Value); });
                break;
            case DataType.Stream when value.Stream is { } stream:
                Byte(output, RdbTypes.StreamListpacks2);
                stream.Encode(output);
                break;
            default:
                throw new ArgumentException($"no RDB encoding for {value.Type}", nameof(value));
        }
        BinaryPrimitives.WriteUInt16LittleEndian(output.GetSpan(2), RdbTypes.Version);
        output.Advance(2);
        var crc = Crc64Jones.Compute(output.WrittenSpan);
        BinaryPrimitives.WriteUInt64LittleEndian(output.GetSpan(8), crc);
        output.Advance(8);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Whether <paramref name="payload"/> carries a Redis footer: an RDB version Redis 7.0 reads and a matching CRC-64.</summary>
    public static bool HasValidFooter(ReadOnlySpan<byte> payload) =>
        payload.Length >= 1 + FooterLength
        && BinaryPrimitives.ReadUInt16LittleEndian(payload[^FooterLength..]) <= RdbTypes.Version
        && BinaryPrimitives.ReadUInt64LittleEndian(payload[^sizeof(ulong)..]) == Crc64Jones.Compute(payload[..^sizeof(ulong)]);

    /// <summary>The value in a payload whose footer is valid; throws <see cref="CorruptDataException"/> when it does not decode ("Bad data format").</summary>
    public static DumpPayload.Value Decode(ReadOnlySpan<byte> payload)
    {
        var reader = new RdbReader(payload[..^FooterLength]);
        var type = reader.ReadByte();
        var value = type switch
        {
            RdbTypes.String => new DumpPayload.Value(DataType.String, reader.ReadString(), []),
            RdbTypes.List => Collection(DataType.List, Strings(ref reader).Select(Element)),
            RdbTypes.ListZiplist => Collection(DataType.List, PackedLists.Ziplist(reader.ReadString()).Select(Element)),
            RdbTypes.ListQuicklist => Collection(DataType.List, Nodes(ref reader, packed: false).Select(Element)),
            RdbTypes.ListQuicklist2 => Collection(DataType.List, Nodes(ref reader, packed: true).Select(Element)),
            RdbTypes.Set => Collection(DataType.Set, Strings(ref reader).Select(Member)),
            RdbTypes.SetIntset => Collection(DataType.Set, PackedLists.Intset(reader.ReadString()).Select(Member)),
            RdbTypes.ZSet or RdbTypes.ZSet2 => Collection(DataType.SortedSet, Scored(ref reader, binary: type == RdbTypes.ZSet2)),
            RdbTypes.ZSetZiplist => Collection(DataType.SortedSet, ScoredPairs(PackedLists.Ziplist(reader.ReadString()))),
            RdbTypes.ZSetListpack => Collection(DataType.SortedSet, ScoredPairs(PackedLists.Listpack(reader.ReadString()))),
            RdbTypes.Hash => Collection(DataType.Hash, Pairs(Strings(ref reader, 2))),
            RdbTypes.HashZiplist => Collection(DataType.Hash, Pairs(PackedLists.Ziplist(reader.ReadString()))),
            RdbTypes.HashListpack => Collection(DataType.Hash, Pairs(PackedLists.Listpack(reader.ReadString()))),
            RdbTypes.StreamListpacks or RdbTypes.StreamListpacks2 or RdbTypes.StreamListpacks3 => new DumpPayload.Value(DataType.Stream, [], []) { Stream = RdbStream.Decode(ref reader, type) },
            _ => throw new CorruptDataException($"RDB type {type} is not supported"),
        };
        return reader.IsEnd ? value : throw new CorruptDataException("trailing bytes");
    }

    private static DumpPayload.Value Collection(DataType type, IEnumerable<(byte[] Name, byte[] Value, double Score)> elements)
    {
        var list = elements.ToList();
        return list.Count > 0 ? new DumpPayload.Value(type, [], list) : throw new CorruptDataException("an empty collection");
    }

    private static (byte[] Name, byte[] Value, double Score) Element(byte[] element) => ([], element, 0);

    private static (byte[] Name, byte[] Value, double Score) Member(byte[] member) => (member, [], 0);

    private static List<byte[]> Strings(ref RdbReader reader, int perItem = 1)
    {
        var count = reader.ReadCount();
        var strings = new List<byte[]>(Math.Min(count, 1024) * perItem);
        for (var i = 0; i < count * perItem; i++)
        {
            strings.Add(reader.ReadString());
        }
        return strings;
    }

    /// <summary>A quicklist's nodes: ziplists (RDB_TYPE_LIST_QUICKLIST) or a container and a listpack or one plain element (QUICKLIST_2).</summary>
    private static List<byte[]> Nodes(ref RdbReader reader, bool packed)
    {
        var count = reader.ReadCount();
        var elements = new List<byte[]>();
        for (var i = 0; i < count; i++)
        {
            var container = packed ? reader.ReadCount() : RdbTypes.ContainerPacked;
            var node = reader.ReadString();
            if (container == RdbTypes.ContainerPlain)
            {
                elements.Add(node);
                continue;
            }
            if (container != RdbTypes.ContainerPacked)
            {
                throw new CorruptDataException($"unknown quicklist container {container}");
            }
            var items = packed ? PackedLists.Listpack(node) : PackedLists.Ziplist(node);
            elements.AddRange(items.Count > 0 ? items : throw new CorruptDataException("an empty quicklist node"));
        }
        return elements;
    }

    private static List<(byte[] Name, byte[] Value, double Score)> Scored(ref RdbReader reader, bool binary)
    {
        var count = reader.ReadCount();
        var members = new List<(byte[] Name, byte[] Value, double Score)>(Math.Min(count, 1024));
        for (var i = 0; i < count; i++)
        {
            var member = reader.ReadString();
            members.Add((member, [], Score(binary ? reader.ReadBinaryDouble() : reader.ReadTextDouble())));
        }
        return members;
    }

    private static IEnumerable<(byte[] Name, byte[] Value, double Score)> ScoredPairs(List<byte[]> items) =>
        Pairs(items).Select(p => (p.Name, Array.Empty<byte>(), Score(ParseScore(p.Value))));

    private static IEnumerable<(byte[] Name, byte[] Value, double Score)> Pairs(List<byte[]> items)
    {
        if (items.Count % 2 != 0)
        {
            throw new CorruptDataException("an odd number of items in pairs");
        }
        for (var i = 0; i < items.Count; i += 2)
        {
            yield return (items[i], items[i + 1], 0);
        }
    }

    private static double ParseScore(byte[] text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var score) ? score
        : System.Text.Encoding.ASCII.GetString(text) switch
        {
            "inf" or "+inf" => double.PositiveInfinity,
            "-inf" => double.NegativeInfinity,
            _ => throw new CorruptDataException("a score that is not a number"),
        };

    private static double Score(double score) => double.IsNaN(score) ? throw new CorruptDataException("a NaN score") : score;

    private static void Byte(ArrayBufferWriter<byte> output, byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }

    internal static void String(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        Length(output, (ulong)bytes.Length);
        output.Write(bytes);
    }

    /// <summary>rdbSaveLen: 6 bits, 14 bits (big-endian), or a marker and 32 or 64 bits big-endian.</summary>
    internal static void Length(ArrayBufferWriter<byte> output, ulong length)
    {
        if (length < 1 << 6)
        {
            Byte(output, (byte)length);
        }
        else if (length < 1 << 14)
        {
            Byte(output, (byte)(0x40 | (length >> 8)));
            Byte(output, (byte)length);
        }
        else if (length <= uint.MaxValue)
        {
            Byte(output, 0x80);
            BinaryPrimitives.WriteUInt32BigEndian(output.GetSpan(4), (uint)length);
            output.Advance(4);
        }
        else
        {
            Byte(output, 0x81);
            BinaryPrimitives.WriteUInt64BigEndian(output.GetSpan(8), length);
            output.Advance(8);
        }
    }
}
