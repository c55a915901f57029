using System.Buffers;
using Chorus.Core.Encoding;

namespace Chorus.Core.Sites;

/// <summary>
/// One key's versions as a change carries them between sites: the key's database and name, and
/// the versions the change made (a site document in the data layer's encoding: only the elements
/// the write changed). <paramref name="IsRecord"/>: an operation of format 1, which carried the
/// key's whole stored record (strings only, database 0).
/// </summary>
public sealed record SiteOp(int Db, byte[] Key, byte[] Versions, bool IsRecord = false);

/// <summary>
/// The operations of a <see cref="SiteChange"/>: per key, versions (state-based, so applying one
/// twice, or one that another path already delivered, changes nothing).
/// <code>u8 format (2) | varint n | (u8 db | len+key | len+versions)*
/// format 1: u8 1 | varint n | (len+key | len+record)*   (read, never written)</code>
/// </summary>
public static class SiteOps
{
    public const byte FormatVersion = 2;

    private const byte RecordFormat = 1;

    /// <summary>Keys one change may carry.</summary>
    public const int KeysMax = 100_000;

    /// <summary>Databases a key may be in (the logical databases 0–15).</summary>
    public const int DatabaseCount = 16;

    public static byte[] Encode(IReadOnlyList<SiteOp> ops)
    {
        var output = new ArrayBufferWriter<byte>(64);
        var writer = new ByteWriter(output);
        writer.WriteByte(FormatVersion);
        writer.WriteVarUInt((ulong)ops.Count);
        foreach (var op in ops)
        {
            Invariant.That(!op.IsRecord && op.Db is >= 0 and < DatabaseCount, "site operations are written in format 2, for databases 0-15");
            writer.WriteByte((byte)op.Db);
            writer.WriteLengthPrefixed(op.Key);
            writer.WriteLengthPrefixed(op.Versions);
        }
        return output.WrittenSpan.ToArray();
    }

    public static List<SiteOp> Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new ByteReader(encoded);
        var format = reader.ReadByte();
        if (format != RecordFormat)
        {
            FormatCheck.Version(format, FormatVersion, "site operations");
        }
        var count = reader.ReadLength(KeysMax);
        var ops = new List<SiteOp>(count);
        for (var i = 0; i < count; i++)
        {
            var db = format == RecordFormat ? 0 : reader.ReadByte();
            if (db >= DatabaseCount)
            {
                throw new CorruptDataException($"site operation for database {db}, out of range");
            }
            ops.Add(new SiteOp(db, reader.ReadLengthPrefixed().ToArray(), reader.ReadLengthPrefixed().ToArray(), format == RecordFormat));
        }
        FormatCheck.End(reader, "site operations");
        return ops;
    }
}
