using System.Buffers;
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
    }

    public static byte[] Encode(IReadOnlyList<RowChange> changes)
    {
        var output = new ArrayBufferWriter<byte>(EstimateLength(changes));
        var writer = new ByteWriter(output);
        writer.WriteByte(FormatVersion);
        writer.WriteVarUInt((ulong)changes.Count);
        foreach (var change in changes)
        {
            Write(writer, change);
        }
        return output.WrittenSpan.ToArray();
    }

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

    /// <summary>Sized so a one-change entry is encoded without growing the buffer.</summary>
    private static int EstimateLength(IReadOnlyList<RowChange> changes)
    {
        var length = 16;
        foreach (var change in changes)
        {
            length += 32 + change switch
            {
                PutChange put => put.Key.Length + put.After.Length + (put.Before?.Length ?? 0),
                HashChange hash => hash.Key.Length + hash.Fields.Sum(f => f.Field.Length + (f.Value?.Length ?? 0) + (f.Previous?.Length ?? 0) + 8),
                SetChange set => set.Key.Length + set.Members.Sum(m => m.Member.Length + 4),
                KeyChange key => key.Key.Length + 64,
                _ => 0,
            };
        }
        return length;
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
            case Op.Hash or Op.Set or Op.SortedSet or Op.List:
                return ElementsCodec.Read(ref reader, (byte)op);
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
