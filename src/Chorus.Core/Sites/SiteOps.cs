using System.Buffers;
using Chorus.Core.Encoding;

namespace Chorus.Core.Sites;

/// <summary>One key's new state as a change carries it between sites: its whole stored record, with its version block.</summary>
public sealed record SiteOp(byte[] Key, byte[] Record);

/// <summary>
/// The operations of a <see cref="SiteChange"/>: whole key records (state-based, so applying one
/// twice, or one that an other path already delivered, changes nothing).
/// <code>u8 format (1) | varint n | (len+key | len+record)*</code>
/// </summary>
public static class SiteOps
{
    public const byte FormatVersion = 1;

    /// <summary>Keys one change may carry.</summary>
    public const int KeysMax = 100_000;

    public static byte[] Encode(IReadOnlyList<SiteOp> ops)
    {
        var output = new ArrayBufferWriter<byte>(64);
        var writer = new ByteWriter(output);
        writer.WriteByte(FormatVersion);
        writer.WriteVarUInt((ulong)ops.Count);
        foreach (var op in ops)
        {
            writer.WriteLengthPrefixed(op.Key);
            writer.WriteLengthPrefixed(op.Record);
        }
        return output.WrittenSpan.ToArray();
    }

    public static List<SiteOp> Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new ByteReader(encoded);
        FormatCheck.Version(reader.ReadByte(), FormatVersion, "site operations");
        var count = reader.ReadLength(KeysMax);
        var ops = new List<SiteOp>(count);
        for (var i = 0; i < count; i++)
        {
            ops.Add(new SiteOp(reader.ReadLengthPrefixed().ToArray(), reader.ReadLengthPrefixed().ToArray()));
        }
        FormatCheck.End(reader, "site operations");
        return ops;
    }
}
