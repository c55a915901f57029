using Chorus.Core.Encoding;

namespace Chorus.Commands.Logical;

/// <summary>
/// The element changes of the logical payload (ops 5–8):
/// <code>
/// u8 op | u8 db | len+key | opt before | varint n | item*
/// hash:       len+field | opt value | opt previous
/// set:        len+member | u8 added
/// sorted set: len+member | opt f64 score | opt f64 previous      (f64: 8 bytes, little-endian)
/// stream:     (after the before-image: len+meta, then n) u8 kind | len+name | opt value | opt previous
/// list:       u8 kind | PushLeft/PushRight/PopLeft/PopRight: len+value
///                      | Set: zigzag index, len+value, len+previous
///                      | Insert/Remove: zigzag index, len+value
/// </code>
/// </summary>
internal static class ElementsCodec
{
    private const byte HashOp = 5;
    private const byte SetOp = 6;
    private const byte SortedSetOp = 7;
    private const byte ListOp = 8;
    public const byte StreamOp = 15;

    public static void Write(ByteWriter writer, ElementsChange change)
    {
        switch (change)
        {
            case HashChange hash:
                Begin(writer, HashOp, hash, hash.Fields.Count);
                foreach (var field in hash.Fields)
                {
                    writer.WriteLengthPrefixed(field.Field);
                    LogicalPayload.WriteOptional(writer, field.Value);
                    LogicalPayload.WriteOptional(writer, field.Previous);
                }
                break;
            case SetChange set:
                Begin(writer, SetOp, set, set.Members.Count);
                foreach (var member in set.Members)
                {
                    writer.WriteLengthPrefixed(member.Member);
                    writer.WriteByte(member.Added ? (byte)1 : (byte)0);
                }
                break;
            case SortedSetChange sorted:
                Begin(writer, SortedSetOp, sorted, sorted.Members.Count);
                foreach (var member in sorted.Members)
                {
                    writer.WriteLengthPrefixed(member.Member);
                    WriteScore(writer, member.Score);
                    WriteScore(writer, member.Previous);
                }
                break;
            case StreamChange stream:
                LogicalPayload.Begin(writer, StreamOp, stream);
                LogicalPayload.WriteOptional(writer, stream.Before);
                writer.WriteLengthPrefixed(stream.Meta);
                writer.WriteVarUInt((ulong)stream.Items.Count);
                foreach (var item in stream.Items)
                {
                    writer.WriteByte((byte)item.Kind);
                    writer.WriteLengthPrefixed(item.Name);
                    LogicalPayload.WriteOptional(writer, item.Value);
                    LogicalPayload.WriteOptional(writer, item.Previous);
                }
                break;
            case ListChange list:
                Begin(writer, ListOp, list, list.Edits.Count);
                foreach (var edit in list.Edits)
                {
                    WriteEdit(writer, edit);
                }
                break;
            default:
                throw new ArgumentException($"unknown change {change.GetType().Name}", nameof(change));
        }
    }

    /// <summary>The bytes of the item count and items (what follows the key and the before-image).</summary>
    public static long ItemsLength(ElementsChange change)
    {
        long length = 0;
        int count;
        switch (change)
        {
            case HashChange hash:
                count = hash.Fields.Count;
                foreach (var field in hash.Fields)
                {
                    length += LogicalPayload.Prefixed(field.Field.Length) + LogicalPayload.OptionalLength(field.Value) + LogicalPayload.OptionalLength(field.Previous);
                }
                break;
            case SetChange set:
                count = set.Members.Count;
                foreach (var member in set.Members)
                {
                    length += LogicalPayload.Prefixed(member.Member.Length) + 1;
                }
                break;
            case SortedSetChange sorted:
                count = sorted.Members.Count;
                foreach (var member in sorted.Members)
                {
                    length += LogicalPayload.Prefixed(member.Member.Length) + ScoreLength(member.Score) + ScoreLength(member.Previous);
                }
                break;
            case StreamChange stream:
                count = stream.Items.Count;
                length += LogicalPayload.Prefixed(stream.Meta.Length);
                foreach (var item in stream.Items)
                {
                    length += 1 + LogicalPayload.Prefixed(item.Name.Length) + LogicalPayload.OptionalLength(item.Value) + LogicalPayload.OptionalLength(item.Previous);
                }
                break;
            case ListChange list:
                count = list.Edits.Count;
                foreach (var edit in list.Edits)
                {
                    length += EditLength(edit);
                }
                break;
            default:
                throw new ArgumentException($"unknown change {change.GetType().Name}", nameof(change));
        }
        return VarInt.Length((ulong)count) + length;
    }

    private static long ScoreLength(double? score) => score is null ? 1 : 9;

    private static long EditLength(ListEdit edit) =>
        1 + (HasIndex(edit.Kind) ? VarInt.Length(VarInt.ZigZag(edit.Index)) : 0)
        + LogicalPayload.Prefixed(edit.Value.Length)
        + (edit.Kind == ListEditKind.Set ? LogicalPayload.Prefixed(edit.Previous?.Length ?? 0) : 0);

    private static bool HasIndex(ListEditKind kind) => kind is ListEditKind.Set or ListEditKind.Insert or ListEditKind.Remove;

    public static ElementsChange Read(ref ByteReader reader, byte op)
    {
        var db = LogicalPayload.ReadDb(ref reader);
        var key = reader.ReadLengthPrefixed().ToArray();
        var before = LogicalPayload.ReadOptional(ref reader);
        var meta = op == StreamOp ? reader.ReadLengthPrefixed().ToArray() : null;
        var count = reader.ReadLength();
        switch (op)
        {
            case StreamOp:
                var items = new StreamItem[count];
                for (var i = 0; i < count; i++)
                {
                    var kind = (StreamItemKind)reader.ReadByte();
                    if (kind > StreamItemKind.ConsumerPending)
                    {
                        throw new CorruptDataException($"unknown stream item {(byte)kind}");
                    }
                    items[i] = new StreamItem(kind, reader.ReadLengthPrefixed().ToArray(), LogicalPayload.ReadOptional(ref reader), LogicalPayload.ReadOptional(ref reader));
                }
                return new StreamChange(db, key, before, meta!, items);
            case HashOp:
                var fields = new FieldChange[count];
                for (var i = 0; i < count; i++)
                {
                    fields[i] = new FieldChange(reader.ReadLengthPrefixed().ToArray(), LogicalPayload.ReadOptional(ref reader), LogicalPayload.ReadOptional(ref reader));
                }
                return new HashChange(db, key, before, fields);
            case SetOp:
                var members = new MemberChange[count];
                for (var i = 0; i < count; i++)
                {
                    members[i] = new MemberChange(reader.ReadLengthPrefixed().ToArray(), LogicalPayload.ReadFlag(ref reader));
                }
                return new SetChange(db, key, before, members);
            case SortedSetOp:
                var scores = new ScoreChange[count];
                for (var i = 0; i < count; i++)
                {
                    scores[i] = new ScoreChange(reader.ReadLengthPrefixed().ToArray(), ReadScore(ref reader), ReadScore(ref reader));
                }
                return new SortedSetChange(db, key, before, scores);
            default:
                var edits = new ListEdit[count];
                for (var i = 0; i < count; i++)
                {
                    edits[i] = ReadEdit(ref reader);
                }
                return new ListChange(db, key, before, edits);
        }
    }

    private static void Begin(ByteWriter writer, byte op, ElementsChange change, int count)
    {
        LogicalPayload.Begin(writer, op, change);
        LogicalPayload.WriteOptional(writer, change.Before);
        writer.WriteVarUInt((ulong)count);
    }

    private static void WriteScore(ByteWriter writer, double? score)
    {
        writer.WriteByte(score is null ? (byte)0 : (byte)1);
        if (score is { } value)
        {
            writer.WriteInt64LittleEndian(BitConverter.DoubleToInt64Bits(value));
        }
    }

    private static double? ReadScore(ref ByteReader reader)
    {
        if (!LogicalPayload.ReadFlag(ref reader))
        {
            return null;
        }
        var score = BitConverter.Int64BitsToDouble(reader.ReadInt64LittleEndian());
        return double.IsNaN(score) ? throw new CorruptDataException("a sorted-set score is NaN") : score;
    }

    private static void WriteEdit(ByteWriter writer, ListEdit edit)
    {
        writer.WriteByte((byte)edit.Kind);
        if (HasIndex(edit.Kind))
        {
            writer.WriteVarInt(edit.Index);
        }
        writer.WriteLengthPrefixed(edit.Value);
        if (edit.Kind == ListEditKind.Set)
        {
            writer.WriteLengthPrefixed(edit.Previous ?? []);
        }
    }

    private static ListEdit ReadEdit(ref ByteReader reader)
    {
        var kind = (ListEditKind)reader.ReadByte();
        if (kind is < ListEditKind.PushLeft or > ListEditKind.Remove)
        {
            throw new CorruptDataException($"unknown list edit {(byte)kind}");
        }
        var index = HasIndex(kind) ? reader.ReadVarInt() : 0;
        var value = reader.ReadLengthPrefixed().ToArray();
        var previous = kind == ListEditKind.Set ? reader.ReadLengthPrefixed().ToArray() : null;
        return new ListEdit(kind, index, value, previous);
    }
}
