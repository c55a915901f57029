using System.Globalization;
using System.Text;
using Chorus.Core;
using Chorus.Core.Encoding;
using Chorus.Core.Log;
using Chorus.Node;

namespace Chorus.Server.Hosting;

/// <summary>
/// The rollback file format: the discarded entries byte for byte, as the log stored them, so a
/// value of any size and any bytes survives exactly (a JSON rendering failed above ~166 MB and
/// took the node loop down with it). `chorus rollbacks --show` renders them for people.
/// <code>
/// "CHORUS ROLLBACK\n" | u8 version (1) | len+utf8 node | varint epoch | varint kept-through LSN
/// | varint unix ms | varint entry count | (varint length | encoded log entry) * count
/// </code>
/// </summary>
public static class RollbackFile
{
    public const string Extension = ".rollback";
    public const byte FormatVersion = 1;

    private static ReadOnlySpan<byte> Magic => "CHORUS ROLLBACK\n"u8;

    /// <summary>rollback-&lt;unix ms&gt;-epoch&lt;E&gt;-lsn&lt;first&gt;-&lt;last&gt;.rollback</summary>
    public static string FileName(RollbackRecord record)
    {
        var first = record.KeepThrough.Next;
        var last = record.Entries.Count > 0 ? record.Entries[^1].Lsn : record.KeepThrough;
        return string.Create(CultureInfo.InvariantCulture, $"rollback-{record.AtMs}-epoch{record.EpochAtRollback}-lsn{first}-{last}{Extension}");
    }

    public static void Write(Stream stream, RollbackRecord record)
    {
        stream.Write(Magic);
        stream.WriteByte(FormatVersion);
        var node = Encoding.UTF8.GetBytes(record.Node.Value);
        WriteVarUInt(stream, (ulong)node.Length);
        stream.Write(node);
        WriteVarUInt(stream, record.EpochAtRollback.Value);
        WriteVarUInt(stream, record.KeepThrough.Value);
        WriteVarUInt(stream, (ulong)record.AtMs);
        WriteVarUInt(stream, (ulong)record.Entries.Count);
        foreach (var entry in record.Entries)
        {
            WriteVarUInt(stream, (ulong)entry.Encoded.Length);
            stream.Write(entry.Encoded.Span);
        }
    }

    /// <summary>What a rollback file says about itself; its entries follow in the stream.</summary>
    public sealed record Header(NodeId Node, Epoch EpochAtRollback, Lsn KeepThrough, long AtMs, int EntryCount);

    /// <summary>Reads the header; throws <see cref="CorruptDataException"/> for anything that is not a whole rollback file.</summary>
    public static Header ReadHeader(Stream stream)
    {
        Span<byte> magic = stackalloc byte[Magic.Length];
        stream.ReadExactly(magic);
        if (!magic.SequenceEqual(Magic))
        {
            throw new CorruptDataException("not a Chorus rollback file");
        }
        var version = stream.ReadByte();
        if (version != FormatVersion)
        {
            throw new CorruptDataException($"rollback file format version {version} is not supported (this build reads version {FormatVersion})");
        }
        var node = new byte[ReadLength(stream, NodeId.LengthMax)];
        stream.ReadExactly(node);
        return new Header(new NodeId(Encoding.UTF8.GetString(node)), new Epoch(ReadVarUInt(stream)), new Lsn(ReadVarUInt(stream)),
            (long)ReadVarUInt(stream), ReadLength(stream, int.MaxValue));
    }

    /// <summary>The entries after <see cref="ReadHeader"/>, one at a time (a file may be larger than memory).</summary>
    public static IEnumerable<LogEntry> ReadEntries(Stream stream, Header header)
    {
        for (var i = 0; i < header.EntryCount; i++)
        {
            var encoded = GC.AllocateUninitializedArray<byte>(ReadLength(stream, Array.MaxLength));
            stream.ReadExactly(encoded);
            yield return LogEntryCodec.Decode(encoded);
        }
    }

    private static void WriteVarUInt(Stream stream, ulong value)
    {
        Span<byte> bytes = stackalloc byte[ByteWriter.VarIntLengthMax];
        stream.Write(bytes[..VarInt.Write(bytes, value)]);
    }

    private static ulong ReadVarUInt(Stream stream)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = stream.ReadByte();
            if (b < 0)
            {
                throw new CorruptDataException("the rollback file ends early");
            }
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
        throw new CorruptDataException("bad varint in rollback file");
    }

    private static int ReadLength(Stream stream, int max)
    {
        var length = ReadVarUInt(stream);
        return length <= (ulong)max ? (int)length : throw new CorruptDataException($"length {length} in rollback file is more than {max}");
    }
}
