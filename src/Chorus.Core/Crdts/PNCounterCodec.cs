using System.Buffers;
using Chorus.Core.Encoding;

namespace Chorus.Core.Crdts;

/// <summary>
/// The binary form of a <see cref="PNCounter"/>.
/// <code>u8 format (1) | id table | (varint added | varint subtracted) per table id, in order</code>
/// A counter changed at three sites "n1".."n3" by small amounts is 17 bytes.
/// </summary>
public static class PNCounterCodec
{
    public const byte FormatVersion = 1;

    public static byte[] Encode(PNCounter counter)
    {
        var buffer = new ArrayBufferWriter<byte>(32);
        Write(buffer, counter);
        return buffer.WrittenSpan.ToArray();
    }

    public static void Write(IBufferWriter<byte> output, PNCounter counter)
    {
        var writer = new ByteWriter(output);
        writer.WriteByte(FormatVersion);
        var table = new NodeIdTable();
        foreach (var site in counter.Sites)
        {
            table.Add(site.Site);
        }
        table.Write(writer);
        foreach (var site in counter.Sites)
        {
            writer.WriteVarUInt(site.Added);
            writer.WriteVarUInt(site.Subtracted);
        }
    }

    public static PNCounter Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new ByteReader(encoded);
        FormatCheck.Version(reader.ReadByte(), FormatVersion, "PN-counter");
        var table = NodeIdTable.Read(ref reader);
        var counter = new PNCounter();
        for (var i = 0; i < table.Count; i++)
        {
            var totals = new PNCounter.SiteTotals(table[i], reader.ReadVarUInt(), reader.ReadVarUInt());
            if (totals.Added == 0 && totals.Subtracted == 0)
            {
                throw new CorruptDataException($"PN-counter lists {totals.Site} with nothing added or subtracted");
            }
            counter.AppendSorted(totals);
        }
        FormatCheck.End(reader, "PN-counter");
        return counter;
    }
}
