using Chorus.Core.Encoding;

namespace Chorus.Commands.Logical;

/// <summary>
/// The logical (row-based) payload format, version 1:
/// <code>
/// u8 version | varint count | change*
/// change := u8 op | len+key | op fields (see Write*)
/// </code>
/// </summary>
public static class LogicalPayload
{
    public const byte FormatVersion = 1;

    private enum Op : byte
    {
        Put = 1,
        Delete = 2,
        HashSet = 3,
        HashDelete = 4,
        SetAdd = 5,
        SetRemove = 6,
        Expire = 7,
        FlushAll = 8,
    }

    /// <summary>Encodes <paramref name="changes"/> into one array of exactly the payload's size.</summary>
    public static byte[] Encode(IReadOnlyList<RowChange> changes)
    {
        long length = 1 + VarInt.Length((ulong)changes.Count);
        foreach (var change in changes)
        {
            length += EncodedLength(change);
        }
        if (length > Array.MaxLength)
        {
            throw new ArgumentException($"the changes would encode to {length} bytes, more than one array holds", nameof(changes));
        }
        var output = new ExactBufferWriter((int)length);
        var writer = new ByteWriter(output);
        writer.WriteByte(FormatVersion);
        writer.WriteVarUInt((ulong)changes.Count);
        foreach (var change in changes)
        {
            Write(writer, change);
        }
        return output.ToArray();
    }

    /// <summary>The bytes <paramref name="change"/> takes in a payload (what the write limits count).</summary>
    public static long EncodedLength(RowChange change) => 1 + Prefixed(change.Key.Length) + change switch
    {
        PutChange put => Prefixed(put.After.Length) + 1 + (put.Before is null ? 0 : Prefixed(put.Before.Length)),
        DeleteChange delete => Prefixed(delete.Before.Length) + 1,
        HashSetChange hashSet => FieldsLength(hashSet.Fields),
        HashDeleteChange hashDelete => FieldsLength(hashDelete.Fields),
        SetAddChange setAdd => MembersLength(setAdd.Members),
        SetRemoveChange setRemove => MembersLength(setRemove.Members),
        ExpireChange expire => VarInt.Length((ulong)expire.ExpiresAtMs) + VarInt.Length((ulong)expire.PreviousExpiresAtMs),
        FlushAllChange => 0,
        _ => throw new ArgumentException($"unknown change {change.GetType().Name}", nameof(change)),
    };

    private static long Prefixed(int length) => VarInt.Length((ulong)length) + (long)length;

    private static long FieldsLength(IReadOnlyList<FieldChange> fields)
    {
        long length = VarInt.Length((ulong)fields.Count);
        foreach (var field in fields)
        {
            length += Prefixed(field.Field.Length) + Prefixed(field.Value.Length) + 1 + (field.Previous is null ? 0 : Prefixed(field.Previous.Length));
        }
        return length;
    }

    private static long MembersLength(IReadOnlyList<byte[]> members)
    {
        long length = VarInt.Length((ulong)members.Count);
        foreach (var member in members)
        {
            length += Prefixed(member.Length);
        }
        return length;
    }

    public static List<RowChange> Decode(ReadOnlySpan<byte> payload)
    {
        var reader = new ByteReader(payload);
        var version = reader.ReadByte();
        if (version != FormatVersion)
        {
            throw new CorruptDataException($"logical payload version {version} is not supported (this build reads version {FormatVersion})");
        }
        var count = reader.ReadLength();
        var changes = new List<RowChange>(count);
        for (var i = 0; i < count; i++)
        {
            changes.Add(Read(ref reader));
        }
        if (!reader.IsEnd)
        {
            throw new CorruptDataException("trailing bytes after logical payload");
        }
        return changes;
    }

    private static void Write(ByteWriter writer, RowChange change)
    {
        switch (change)
        {
            case PutChange put:
                Begin(writer, Op.Put, put.Key);
                writer.WriteLengthPrefixed(put.After);
                WriteOptional(writer, put.Before);
                break;
            case DeleteChange delete:
                Begin(writer, Op.Delete, delete.Key);
                writer.WriteLengthPrefixed(delete.Before);
                writer.WriteByte((byte)delete.Reason);
                break;
            case HashSetChange hashSet:
                Begin(writer, Op.HashSet, hashSet.Key);
                WriteFields(writer, hashSet.Fields);
                break;
            case HashDeleteChange hashDelete:
                Begin(writer, Op.HashDelete, hashDelete.Key);
                WriteFields(writer, hashDelete.Fields);
                break;
            case SetAddChange setAdd:
                Begin(writer, Op.SetAdd, setAdd.Key);
                WriteMembers(writer, setAdd.Members);
                break;
            case SetRemoveChange setRemove:
                Begin(writer, Op.SetRemove, setRemove.Key);
                WriteMembers(writer, setRemove.Members);
                break;
            case ExpireChange expire:
                Begin(writer, Op.Expire, expire.Key);
                writer.WriteVarUInt((ulong)expire.ExpiresAtMs);
                writer.WriteVarUInt((ulong)expire.PreviousExpiresAtMs);
                break;
            case FlushAllChange:
                Begin(writer, Op.FlushAll, []);
                break;
            default:
                throw new ArgumentException($"unknown change {change.GetType().Name}", nameof(change));
        }
    }

    private static RowChange Read(ref ByteReader reader)
    {
        var op = (Op)reader.ReadByte();
        var key = reader.ReadLengthPrefixed().ToArray();
        return op switch
        {
            Op.Put => new PutChange(key, reader.ReadLengthPrefixed().ToArray(), ReadOptional(ref reader)),
            Op.Delete => new DeleteChange(key, reader.ReadLengthPrefixed().ToArray(), ReadReason(ref reader)),
            Op.HashSet => new HashSetChange(key, ReadFields(ref reader)),
            Op.HashDelete => new HashDeleteChange(key, ReadFields(ref reader)),
            Op.SetAdd => new SetAddChange(key, ReadMembers(ref reader)),
            Op.SetRemove => new SetRemoveChange(key, ReadMembers(ref reader)),
            Op.Expire => new ExpireChange(key, (long)reader.ReadVarUInt(), (long)reader.ReadVarUInt()),
            Op.FlushAll => new FlushAllChange(),
            _ => throw new CorruptDataException($"unknown row change op {(byte)op}"),
        };
    }

    private static void Begin(ByteWriter writer, Op op, ReadOnlySpan<byte> key)
    {
        writer.WriteByte((byte)op);
        writer.WriteLengthPrefixed(key);
    }

    private static void WriteOptional(ByteWriter writer, byte[]? value)
    {
        writer.WriteByte(value is null ? (byte)0 : (byte)1);
        if (value is not null)
        {
            writer.WriteLengthPrefixed(value);
        }
    }

    private static byte[]? ReadOptional(ref ByteReader reader) =>
        reader.ReadByte() switch
        {
            0 => null,
            1 => reader.ReadLengthPrefixed().ToArray(),
            var flag => throw new CorruptDataException($"bad optional flag {flag}"),
        };

    private static DeleteReason ReadReason(ref ByteReader reader)
    {
        var reason = (DeleteReason)reader.ReadByte();
        return reason is DeleteReason.Command or DeleteReason.Expired
            ? reason
            : throw new CorruptDataException($"unknown delete reason {(byte)reason}");
    }

    private static void WriteFields(ByteWriter writer, IReadOnlyList<FieldChange> fields)
    {
        writer.WriteVarUInt((ulong)fields.Count);
        foreach (var field in fields)
        {
            writer.WriteLengthPrefixed(field.Field);
            writer.WriteLengthPrefixed(field.Value);
            WriteOptional(writer, field.Previous);
        }
    }

    private static FieldChange[] ReadFields(ref ByteReader reader)
    {
        var fields = new FieldChange[reader.ReadLength()];
        for (var i = 0; i < fields.Length; i++)
        {
            fields[i] = new FieldChange(reader.ReadLengthPrefixed().ToArray(), reader.ReadLengthPrefixed().ToArray(), ReadOptional(ref reader));
        }
        return fields;
    }

    private static void WriteMembers(ByteWriter writer, IReadOnlyList<byte[]> members)
    {
        writer.WriteVarUInt((ulong)members.Count);
        foreach (var member in members)
        {
            writer.WriteLengthPrefixed(member);
        }
    }

    private static byte[][] ReadMembers(ref ByteReader reader)
    {
        var members = new byte[reader.ReadLength()][];
        for (var i = 0; i < members.Length; i++)
        {
            members[i] = reader.ReadLengthPrefixed().ToArray();
        }
        return members;
    }
}
