using Chorus.Core.Encoding;

namespace Chorus.Commands.Logical;

/// <summary>
/// The logical (row-based) payload format, version 2 (docs/storage-layout.md, "The logical log"):
/// <code>
/// u8 version | varint count | change*
/// change := u8 op | op fields (see Write)
/// </code>
/// Version-1 payloads, written before format 2, are decoded into equivalent version-2 changes
/// (<see cref="FormatOnePayload"/>).
/// </summary>
public static class LogicalPayload
{
    public const byte FormatVersion = 2;

    private enum Op : byte
    {
        Put = 1,
        Delete = 2,
        Expire = 3,
        Patch = 4,
        Hash = 5,
        Set = 6,
        SortedSet = 7,
        List = 8,
        Rename = 9,
        Copy = 10,
        FlushDb = 11,
        FlushAll = 12,
        SwapDb = 13,
        VersionBlock = 14,
        Stream = 15,
        FunctionRecord = 16,
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
    public static long EncodedLength(RowChange change) => change switch
    {
        PutChange put => KeyLength(put) + Prefixed(put.After.Length) + OptionalLength(put.Before),
        DeleteChange delete => KeyLength(delete) + Prefixed(delete.Before.Length) + 1,
        ExpireChange expire => KeyLength(expire) + VarInt.Length((ulong)expire.ExpiresAtMs) + VarInt.Length((ulong)expire.PreviousExpiresAtMs),
        PatchChange patch => KeyLength(patch) + VarInt.Length((ulong)patch.Offset) + Prefixed(patch.Bytes.Length)
            + Prefixed(patch.Replaced.Length) + VarInt.Length((ulong)patch.LengthBefore) + 1,
        ElementsChange elements => KeyLength(elements) + OptionalLength(elements.Before) + ElementsCodec.ItemsLength(elements),
        RenameChange rename => MoveLength(rename, rename.Target, rename.Image, rename.TargetBefore),
        CopyChange copy => MoveLength(copy, copy.Target, copy.Image, copy.TargetBefore),
        VersionBlockChange block => KeyLength(block) + Prefixed(block.Block.Length) + Prefixed(block.Previous.Length),
        FlushDbChange => 2,
        FlushAllChange => 1,
        SwapDbChange => 3,
        FunctionRecordChange function => 1 + Prefixed(function.Key.Length) + OptionalLength(function.After) + OptionalLength(function.Before),
        _ => throw new ArgumentException($"unknown change {change.GetType().Name}", nameof(change)),
    };

    /// <summary>Op, database and key: how every key change begins.</summary>
    private static long KeyLength(KeyChange change) => 2 + Prefixed(change.Key.Length);

    private static long MoveLength(KeyChange change, byte[] target, byte[] image, byte[]? targetBefore) =>
        KeyLength(change) + 1 + Prefixed(target.Length) + Prefixed(image.Length) + OptionalLength(targetBefore);

    internal static long Prefixed(int length) => VarInt.Length((ulong)length) + (long)length;

    internal static long OptionalLength(byte[]? value) => 1 + (value is null ? 0 : Prefixed(value.Length));

    public static List<RowChange> Decode(ReadOnlySpan<byte> payload)
    {
        var reader = new ByteReader(payload);
        var version = reader.ReadByte();
        if (version == FormatOnePayload.Version)
        {
            return FormatOnePayload.Decode(ref reader);
        }
        if (version != FormatVersion)
        {
            throw new CorruptDataException($"logical payload version {version} is not supported (this build reads versions 1 and {FormatVersion})");
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
                Begin(writer, Op.Put, put);
                writer.WriteLengthPrefixed(put.After);
                WriteOptional(writer, put.Before);
                break;
            case DeleteChange delete:
                Begin(writer, Op.Delete, delete);
                writer.WriteLengthPrefixed(delete.Before);
                writer.WriteByte((byte)delete.Reason);
                break;
            case ExpireChange expire:
                Begin(writer, Op.Expire, expire);
                writer.WriteVarUInt((ulong)expire.ExpiresAtMs);
                writer.WriteVarUInt((ulong)expire.PreviousExpiresAtMs);
                break;
            case PatchChange patch:
                Begin(writer, Op.Patch, patch);
                writer.WriteVarUInt((ulong)patch.Offset);
                writer.WriteLengthPrefixed(patch.Bytes);
                writer.WriteLengthPrefixed(patch.Replaced);
                writer.WriteVarUInt((ulong)patch.LengthBefore);
                writer.WriteByte(patch.Created ? (byte)1 : (byte)0);
                break;
            case ElementsChange elements:
                ElementsCodec.Write(writer, elements);
                break;
            case RenameChange rename:
                WriteMove(writer, Op.Rename, rename, rename.TargetDb, rename.Target, rename.Image, rename.TargetBefore);
                break;
            case CopyChange copy:
                WriteMove(writer, Op.Copy, copy, copy.TargetDb, copy.Target, copy.Image, copy.TargetBefore);
                break;
            case VersionBlockChange block:
                Begin(writer, Op.VersionBlock, block);
                writer.WriteLengthPrefixed(block.Block);
                writer.WriteLengthPrefixed(block.Previous);
                break;
            case FlushDbChange flush:
                writer.WriteByte((byte)Op.FlushDb);
                writer.WriteByte((byte)flush.Db);
                break;
            case FlushAllChange:
                writer.WriteByte((byte)Op.FlushAll);
                break;
            case SwapDbChange swap:
                writer.WriteByte((byte)Op.SwapDb);
                writer.WriteByte((byte)swap.Db);
                writer.WriteByte((byte)swap.OtherDb);
                break;
            case FunctionRecordChange function:
                writer.WriteByte((byte)Op.FunctionRecord);
                writer.WriteLengthPrefixed(function.Key);
                WriteOptional(writer, function.After);
                WriteOptional(writer, function.Before);
                break;
            default:
                throw new ArgumentException($"unknown change {change.GetType().Name}", nameof(change));
        }
    }

    private static RowChange Read(ref ByteReader reader)
    {
        var op = (Op)reader.ReadByte();
        switch (op)
        {
            case Op.FlushDb:
                return new FlushDbChange(ReadDb(ref reader));
            case Op.FlushAll:
                return new FlushAllChange();
            case Op.SwapDb:
                return new SwapDbChange(ReadDb(ref reader), ReadDb(ref reader));
            case Op.Hash or Op.Set or Op.SortedSet or Op.List or Op.Stream:
                return ElementsCodec.Read(ref reader, (byte)op);
            case Op.FunctionRecord:
                return new FunctionRecordChange(reader.ReadLengthPrefixed().ToArray(), ReadOptional(ref reader), ReadOptional(ref reader));
        }
        var db = ReadDb(ref reader);
        var key = reader.ReadLengthPrefixed().ToArray();
        return op switch
        {
            Op.Put => new PutChange(db, key, reader.ReadLengthPrefixed().ToArray(), ReadOptional(ref reader)),
            Op.Delete => new DeleteChange(db, key, reader.ReadLengthPrefixed().ToArray(), ReadReason(ref reader)),
            Op.Expire => new ExpireChange(db, key, (long)reader.ReadVarUInt(), (long)reader.ReadVarUInt()),
            Op.Patch => new PatchChange(db, key, (long)reader.ReadVarUInt(), reader.ReadLengthPrefixed().ToArray(), reader.ReadLengthPrefixed().ToArray(), (long)reader.ReadVarUInt(), ReadFlag(ref reader)),
            Op.Rename => new RenameChange(db, key, ReadDb(ref reader), reader.ReadLengthPrefixed().ToArray(), reader.ReadLengthPrefixed().ToArray(), ReadOptional(ref reader)),
            Op.Copy => new CopyChange(db, key, ReadDb(ref reader), reader.ReadLengthPrefixed().ToArray(), reader.ReadLengthPrefixed().ToArray(), ReadOptional(ref reader)),
            Op.VersionBlock => new VersionBlockChange(db, key, reader.ReadLengthPrefixed().ToArray(), reader.ReadLengthPrefixed().ToArray()),
            _ => throw new CorruptDataException($"unknown row change op {(byte)op}"),
        };
    }

    private static void WriteMove(ByteWriter writer, Op op, KeyChange change, int targetDb, byte[] target, byte[] image, byte[]? targetBefore)
    {
        Begin(writer, op, change);
        writer.WriteByte((byte)targetDb);
        writer.WriteLengthPrefixed(target);
        writer.WriteLengthPrefixed(image);
        WriteOptional(writer, targetBefore);
    }

    internal static void Begin(ByteWriter writer, byte op, KeyChange change)
    {
        writer.WriteByte(op);
        writer.WriteByte((byte)change.Db);
        writer.WriteLengthPrefixed(change.Key);
    }

    private static void Begin(ByteWriter writer, Op op, KeyChange change) => Begin(writer, (byte)op, change);

    internal static int ReadDb(ref ByteReader reader)
    {
        var db = reader.ReadByte();
        return db < Keyspace.PhysicalDb.LogicalCount ? db : throw new CorruptDataException($"database {db} is out of range");
    }

    internal static void WriteOptional(ByteWriter writer, byte[]? value)
    {
        writer.WriteByte(value is null ? (byte)0 : (byte)1);
        if (value is not null)
        {
            writer.WriteLengthPrefixed(value);
        }
    }

    internal static byte[]? ReadOptional(ref ByteReader reader) =>
        ReadFlag(ref reader) ? reader.ReadLengthPrefixed().ToArray() : null;

    internal static bool ReadFlag(ref ByteReader reader) =>
        reader.ReadByte() switch
        {
            0 => false,
            1 => true,
            var flag => throw new CorruptDataException($"bad flag byte {flag}"),
        };

    internal static DeleteReason ReadReason(ref ByteReader reader)
    {
        var reason = (DeleteReason)reader.ReadByte();
        return reason is DeleteReason.Command or DeleteReason.Expired
            ? reason
            : throw new CorruptDataException($"unknown delete reason {(byte)reason}");
    }
}
