using System.Buffers;
using Chorus.Core.Encoding;
using Chorus.Core.Versions;

namespace Chorus.Core.Sites;

/// <summary>
/// Where a change was made, its number there and what it depends on: <paramref name="Origin"/>
/// site, its <paramref name="Seq"/>-th change (so the dot (origin, seq) names the change
/// everywhere), its HLC <paramref name="Timestamp"/>, and <paramref name="Deps"/> — every change
/// the origin had applied when it made this one. A site applies the change only after all of
/// <paramref name="Deps"/> (so causally later changes never overtake earlier ones) and only once
/// (it remembers, per origin, how many it applied).
/// </summary>
public sealed record ChangeHeader(NodeId Origin, ulong Seq, HlcTimestamp Timestamp, VersionVector Deps)
{
    public Dot Dot => new(Origin, Seq);

    public void Write(ByteWriter writer)
    {
        WriteSite(writer, Origin);
        writer.WriteVarUInt(Seq);
        writer.WriteUInt64LittleEndian(Timestamp.Packed);
        WriteVector(writer, Deps);
    }

    public static ChangeHeader Read(ref ByteReader reader)
    {
        var origin = ReadSite(ref reader);
        var seq = VersionVectorCodec.ReadCounter(ref reader);
        var timestamp = new HlcTimestamp(reader.ReadUInt64LittleEndian());
        var deps = ReadVector(ref reader);
        if (deps[origin] != seq - 1)
        {
            throw new CorruptDataException($"change {origin}:{seq} depends on {origin}:{deps[origin]}, not on the change before it");
        }
        return new ChangeHeader(origin, seq, timestamp, deps);
    }

    public override string ToString() => $"{Origin}:{Seq} at {Timestamp} after {Deps}";

    internal static void WriteSite(ByteWriter writer, NodeId site)
    {
        Span<byte> ascii = stackalloc byte[NodeId.LengthMax];
        writer.WriteLengthPrefixed(ascii[..System.Text.Encoding.ASCII.GetBytes(site.Value, ascii)]);
    }

    internal static NodeId ReadSite(ref ByteReader reader)
    {
        var text = System.Text.Encoding.ASCII.GetString(reader.ReadLengthPrefixed());
        return NodeId.TryParse(text, out var site) ? site : throw new CorruptDataException($"bad site id '{text}'");
    }

    internal static void WriteVector(ByteWriter writer, VersionVector vector) =>
        writer.WriteLengthPrefixed(VersionVectorCodec.Encode(vector));

    internal static VersionVector ReadVector(ref ByteReader reader) =>
        VersionVectorCodec.Decode(reader.ReadLengthPrefixed());
}

/// <summary>
/// A change as it travels between sites: its header and its operations (each key's new state or
/// delta, in the data layer's encoding; opaque here). <c>header | len+ops</c>.
/// </summary>
public readonly record struct SiteChange(ChangeHeader Header, ReadOnlyMemory<byte> Ops)
{
    public void Write(ByteWriter writer)
    {
        Header.Write(writer);
        writer.WriteLengthPrefixed(Ops.Span);
    }

    public static SiteChange Read(ref ByteReader reader, ReadOnlyMemory<byte> source)
    {
        var header = ChangeHeader.Read(ref reader);
        var length = reader.ReadLength();
        var ops = source.Slice(reader.Position, length);
        reader.ReadRaw(length);
        return new SiteChange(header, ops);
    }
}

/// <summary>
/// A multi-leader log entry's payload (<see cref="Log.PayloadKind.MultiLeader"/>): the change
/// (header and operations, which this site passes on to others as it received or made them),
/// the site's frontier after it (every change the site has applied, this one included: what a
/// restarted or newly elected site leader resumes its links from), and the site's own resolved
/// data changes, which every node of the site applies.
/// <code>u8 format (1) | header | len+frontier | len+ops | len+local</code>
/// </summary>
public readonly record struct SiteEntry(SiteChange Change, VersionVector Frontier, ReadOnlyMemory<byte> Local)
{
    public const byte FormatVersion = 1;

    public ChangeHeader Header => Change.Header;

    public static byte[] Encode(ChangeHeader header, VersionVector frontier, ReadOnlySpan<byte> ops, ReadOnlySpan<byte> local)
    {
        var output = new ArrayBufferWriter<byte>(ops.Length + local.Length + 64);
        var writer = new ByteWriter(output);
        writer.WriteByte(FormatVersion);
        header.Write(writer);
        ChangeHeader.WriteVector(writer, frontier);
        writer.WriteLengthPrefixed(ops);
        writer.WriteLengthPrefixed(local);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Decodes a payload; the operations and local changes alias <paramref name="payload"/>.</summary>
    public static SiteEntry Decode(ReadOnlyMemory<byte> payload)
    {
        var reader = new ByteReader(payload.Span);
        FormatCheck.Version(reader.ReadByte(), FormatVersion, "site entry");
        var header = ChangeHeader.Read(ref reader);
        var frontier = ChangeHeader.ReadVector(ref reader);
        if (frontier[header.Origin] < header.Seq)
        {
            throw new CorruptDataException($"site entry {header.Dot} has a frontier {frontier} that does not include it");
        }
        var opsLength = reader.ReadLength();
        var ops = payload.Slice(reader.Position, opsLength);
        reader.ReadRaw(opsLength);
        var localLength = reader.ReadLength();
        var local = payload.Slice(reader.Position, localLength);
        reader.ReadRaw(localLength);
        FormatCheck.End(reader, "site entry");
        return new SiteEntry(new SiteChange(header, ops), frontier, local);
    }
}
