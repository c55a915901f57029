using Chorus.Core.Encoding;
using Chorus.Core.Versions;
using Chorus.Resp;

namespace Chorus.Commands.Leaderless;

/// <summary>
/// How CHORUS.GETV shows a key's versions: an array whose first element is the causal context
/// (text: base64 of the encoded version vector, to pass back to CHORUS.PUTV unchanged) and whose
/// other elements are the siblings' values, newest first (nil for a deletion that is a sibling).
/// </summary>
public static class SiblingsReply
{
    public static void Write(DottedVersionVectorSet<VersionedValue> versions, RespWriter writer)
    {
        var siblings = versions.Siblings.OrderByDescending(s => s.Value.Timestamp).ToList();
        writer.WriteArrayHeader(siblings.Count + 1);
        writer.WriteBulkString(ContextText(versions.Context));
        foreach (var sibling in siblings)
        {
            if (sibling.Value.Bytes is { } bytes)
            {
                writer.WriteBulkString(bytes);
            }
            else
            {
                writer.WriteNull();
            }
        }
    }

    public static string ContextText(VersionVector context) => Convert.ToBase64String(VersionVectorCodec.Encode(context));

    /// <summary>The context a client passed back (empty text: the empty context, a blind write); null when it is not one.</summary>
    public static VersionVector? ParseContext(ReadOnlySpan<byte> text)
    {
        if (text.IsEmpty)
        {
            return VersionVector.Empty;
        }
        try
        {
            return VersionVectorCodec.Decode(Convert.FromBase64String(System.Text.Encoding.ASCII.GetString(text)));
        }
        catch (Exception e) when (e is FormatException or CorruptDataException)
        {
            return null;
        }
    }
}
