namespace Chorus.Commands.Data.Keys;

/// <summary>
/// Redis's glob matching (<c>stringmatchlen</c>), byte for byte: <c>*</c> any run, <c>?</c> any
/// byte, <c>[abc]</c> <c>[^a]</c> <c>[a-z]</c> classes (ranges may be reversed; an unclosed class
/// runs to the end of the pattern), and <c>\</c> escapes the next byte. Used by KEYS and SCAN
/// MATCH; public so CONFIG GET and pub/sub patterns can share it.
/// </summary>
public static class GlobPattern
{
    /// <summary>Redis's protection against abusive patterns: deeper '*' nesting never matches.</summary>
    private const int NestingMax = 1000;

    public static bool IsMatch(ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> text, bool ignoreCase = false)
    {
        var skipLongerMatches = false;
        return Match(pattern, text, ignoreCase, ref skipLongerMatches, 0);
    }

    private static bool Match(ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> text, bool ignoreCase, ref bool skipLongerMatches, int nesting)
    {
        if (nesting > NestingMax)
        {
            return false;
        }
        // As in Redis, an empty text matches only an empty pattern: "*" does not match "" here
        // (KEYS and SCAN treat a lone "*" as "everything" before calling this).
        while (!pattern.IsEmpty && !text.IsEmpty)
        {
            switch (pattern[0])
            {
                case (byte)'*':
                    return MatchStar(pattern, text, ignoreCase, ref skipLongerMatches, nesting);
                case (byte)'?':
                    pattern = pattern[1..];
                    break;
                case (byte)'[':
                    if (!MatchClass(ref pattern, text[0], ignoreCase))
                    {
                        return false;
                    }
                    break;
                default:
                    if (pattern[0] == (byte)'\\' && pattern.Length >= 2)
                    {
                        pattern = pattern[1..];
                    }
                    if (!Same(pattern[0], text[0], ignoreCase))
                    {
                        return false;
                    }
                    pattern = pattern[1..];
                    break;
            }
            text = text[1..];
            if (text.IsEmpty)
            {
                pattern = pattern.TrimStart((byte)'*');
            }
        }
        return pattern.IsEmpty && text.IsEmpty;
    }

    /// <summary>A run of '*': try the rest of the pattern at every position of the text.</summary>
    private static bool MatchStar(ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> text, bool ignoreCase, ref bool skipLongerMatches, int nesting)
    {
        pattern = pattern.TrimStart((byte)'*');
        if (pattern.IsEmpty)
        {
            return true;
        }
        for (; !text.IsEmpty; text = text[1..])
        {
            if (Match(pattern, text, ignoreCase, ref skipLongerMatches, nesting + 1))
            {
                return true;
            }
            if (skipLongerMatches)
            {
                return false;
            }
        }
        // The rest matches nowhere in this text, so no earlier '*' can help by matching more.
        skipLongerMatches = true;
        return false;
    }

    /// <summary>
    /// Matches one byte against the class at the start of <paramref name="pattern"/> ('[' ...),
    /// leaving <paramref name="pattern"/> after its closing ']' (empty when it is unclosed).
    /// </summary>
    private static bool MatchClass(ref ReadOnlySpan<byte> pattern, byte c, bool ignoreCase)
    {
        pattern = pattern[1..];
        var negate = !pattern.IsEmpty && pattern[0] == (byte)'^';
        if (negate)
        {
            pattern = pattern[1..];
        }
        var match = false;
        while (!pattern.IsEmpty)
        {
            if (pattern.Length >= 2 && pattern[0] == (byte)'\\')
            {
                pattern = pattern[1..];
                match |= pattern[0] == c;
            }
            else if (pattern[0] == (byte)']')
            {
                pattern = pattern[1..];
                break;
            }
            else if (pattern.Length >= 3 && pattern[1] == (byte)'-')
            {
                match |= InRange(pattern[0], pattern[2], c, ignoreCase);
                pattern = pattern[2..];
            }
            else
            {
                match |= Same(pattern[0], c, ignoreCase);
            }
            pattern = pattern[1..];
        }
        return negate ? !match : match;
    }

    /// <summary>C compares <c>char</c>s, which are signed: bytes from 0x80 sort before 'a'.</summary>
    private static bool InRange(byte from, byte to, byte c, bool ignoreCase)
    {
        int start = (sbyte)from, end = (sbyte)to, value = (sbyte)c;
        if (start > end)
        {
            (start, end) = (end, start);
        }
        if (ignoreCase)
        {
            (start, end, value) = (Lower(start), Lower(end), Lower(value));
        }
        return value >= start && value <= end;
    }

    private static bool Same(byte a, byte b, bool ignoreCase) => a == b || (ignoreCase && Lower(a) == Lower(b));

    private static int Lower(int c) => c is >= 'A' and <= 'Z' ? c + 32 : c;
}
