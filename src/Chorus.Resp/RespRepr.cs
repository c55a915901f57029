using System.Text;

namespace Chorus.Resp;

/// <summary>
/// redis-cli's quoting of binary strings (<c>sdscatrepr</c>): printable ASCII as is, the usual
/// C escapes, <c>\xHH</c> for anything else. Read back by redis-cli and inline commands.
/// </summary>
internal static class RespRepr
{
    public static void AppendQuoted(StringBuilder text, ReadOnlySpan<byte> bytes)
    {
        text.Append('"');
        foreach (var b in bytes)
        {
            AppendEscaped(text, b);
        }

        text.Append('"');
    }

    /// <summary>A command name is shown bare unless it needs quoting to read back the same.</summary>
    public static void AppendWord(StringBuilder text, ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty || bytes.ContainsAnyExceptInRange((byte)'!', (byte)'~') || bytes.IndexOfAny("\"'\\"u8) >= 0)
        {
            AppendQuoted(text, bytes);
            return;
        }

        foreach (var b in bytes)
        {
            text.Append((char)b);
        }
    }

    private static void AppendEscaped(StringBuilder text, byte b)
    {
        switch (b)
        {
            case (byte)'\\': text.Append("\\\\"); break;
            case (byte)'"': text.Append("\\\""); break;
            case (byte)'\n': text.Append("\\n"); break;
            case (byte)'\r': text.Append("\\r"); break;
            case (byte)'\t': text.Append("\\t"); break;
            case 0x07: text.Append("\\a"); break;
            case 0x08: text.Append("\\b"); break;
            case >= 0x20 and <= 0x7E: text.Append((char)b); break;
            default: text.Append("\\x").Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)); break;
        }
    }
}
