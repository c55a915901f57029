using System.Buffers;
using Chorus.Commands.Values;
using Chorus.Core;
using Chorus.Core.Encoding;
using Chorus.Core.Sites;

namespace Chorus.Commands.Sites;

/// <summary>
/// How a <see cref="SiteDocument"/> is stored in a key record's version block and carried in site
/// changes. A document that is only a string keeps the string's block format
/// (<see cref="SiteKeyState"/>, format 1: the winner's value is the record body), so string keys
/// are stored exactly as before collections were versioned; any other document is format 2, every
/// value inline (sorted by part, then element name, so equal documents encode equally):
/// <code>
/// block := u8 2 | varint parts | (u8 part | varint n | (len+name | len+element-versions)*)*
/// </code>
/// </summary>
public static class SiteDocumentCodec
{
    public const byte DocumentFormat = 2;

    /// <summary>Parts a document may hold, elements a part may hold (a bound on what a peer can make us decode).</summary>
    public const int ElementsMax = 10_000_000;

    /// <summary>The document a stored record holds; null when there is no record.</summary>
    public static SiteDocument? FromRecord(byte[]? record, NodeId localSite)
    {
        if (record is null)
        {
            return null;
        }
        var parsed = KeyRecord.ParseImage(record);
        if (parsed.HasVersionBlock && parsed.VersionBlock[0] == DocumentFormat)
        {
            return Decode(parsed.VersionBlock);
        }
        var document = new SiteDocument();
        if (parsed.Type == DataType.String)
        {
            // Format 1, or a string written before the key was versioned (an empty clock that every versioned write supersedes).
            document.Set(SitePart.String, SiteDocument.StringElement, SiteRecord.StateOf(record, localSite)!);
        }
        return document;
    }

    /// <summary>The version block a record stores for <paramref name="document"/> (format 1 when it is only a string).</summary>
    public static byte[] EncodeForRecord(SiteDocument document)
    {
        if (document.Parts.SequenceEqual([SitePart.String]) && document.Elements(SitePart.String).Count == 1
            && document.Get(SitePart.String, SiteDocument.StringElement) is { } state)
        {
            return state.EncodeBlock();
        }
        return Encode(document);
    }

    /// <summary>Format 2, every value inline (what a site change carries).</summary>
    public static byte[] Encode(SiteDocument document)
    {
        var output = new ArrayBufferWriter<byte>(64);
        var writer = new ByteWriter(output);
        writer.WriteByte(DocumentFormat);
        var parts = document.Parts.ToList();
        writer.WriteVarUInt((ulong)parts.Count);
        foreach (var part in parts)
        {
            var elements = document.Elements(part);
            writer.WriteByte((byte)part);
            writer.WriteVarUInt((ulong)elements.Count);
            foreach (var (name, state) in elements)
            {
                writer.WriteLengthPrefixed(name);
                writer.WriteLengthPrefixed(state.EncodeBlock(winnerInBody: false));
            }
        }
        return output.WrittenSpan.ToArray();
    }

    public static SiteDocument Decode(ReadOnlySpan<byte> block)
    {
        var reader = new ByteReader(block);
        FormatCheck.Version(reader.ReadByte(), DocumentFormat, "site document");
        var document = new SiteDocument();
        var parts = reader.ReadLength(8);
        for (var p = 0; p < parts; p++)
        {
            var part = (SitePart)reader.ReadByte();
            if (!Enum.IsDefined(part))
            {
                throw new CorruptDataException($"site document: unknown part {(byte)part}");
            }
            var count = reader.ReadLength(ElementsMax);
            for (var i = 0; i < count; i++)
            {
                var name = reader.ReadLengthPrefixed().ToArray();
                document.Set(part, name, SiteKeyState.DecodeBlock(reader.ReadLengthPrefixed(), body: null));
            }
        }
        FormatCheck.End(reader, "site document");
        return document;
    }
}
