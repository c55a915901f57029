using System.Buffers;
using Chorus.Core.Encoding;

namespace Chorus.Core.Sites;

/// <summary>
/// What the data layer proposes to a multi-leader core for one local write: the write's HLC
/// time (from the <see cref="WriteStamp"/> it versioned the keys with), the operations other
/// sites will merge (<see cref="SiteOps"/>) and the site's own data changes (a logical payload).
/// The core adds the header — origin, sequence number, dependencies — and logs a <see cref="SiteEntry"/>.
/// <code>u64 hlc | len+ops | len+local</code>
/// </summary>
public readonly record struct SiteProposal(HlcTimestamp Timestamp, ReadOnlyMemory<byte> Ops, ReadOnlyMemory<byte> Local)
{
    public byte[] Encode()
    {
        var output = new ArrayBufferWriter<byte>(Ops.Length + Local.Length + 24);
        var writer = new ByteWriter(output);
        writer.WriteUInt64LittleEndian(Timestamp.Packed);
        writer.WriteLengthPrefixed(Ops.Span);
        writer.WriteLengthPrefixed(Local.Span);
        return output.WrittenSpan.ToArray();
    }

    public static SiteProposal Decode(ReadOnlySpan<byte> payload)
    {
        var reader = new ByteReader(payload);
        var timestamp = new HlcTimestamp(reader.ReadUInt64LittleEndian());
        var ops = reader.ReadLengthPrefixed().ToArray();
        var local = reader.ReadLengthPrefixed().ToArray();
        FormatCheck.End(reader, "site proposal");
        return new SiteProposal(timestamp, ops, local);
    }
}
