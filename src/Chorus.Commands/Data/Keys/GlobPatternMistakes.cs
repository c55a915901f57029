namespace Chorus.Commands.Data.Keys;

/// <summary>
/// What is wrong with a glob pattern a user wrote into configuration (a relay trigger): the
/// mistakes <see cref="GlobPattern"/> silently tolerates, as Redis's KEYS and SCAN MATCH do, but
/// that make a pattern match other keys than its author meant, or none. KEYS keeps Redis's
/// leniency (clients rely on it); a trigger that quietly matches nothing would relay nothing
/// for ever, so a configuration refuses these. The walk follows <see cref="GlobPattern"/>'s
/// parsing exactly: "[a-]" is the range 'a'..']' there, so that class is unclosed here too.
/// </summary>
public static class GlobPatternMistakes
{
    /// <summary>Null when <paramref name="pattern"/> is a well-formed glob; otherwise what is wrong and where (0-based byte offsets).</summary>
    public static string? Find(ReadOnlySpan<byte> pattern)
    {
        var i = 0;
        while (i < pattern.Length)
        {
            switch (pattern[i])
            {
                case (byte)'\\' when i + 1 == pattern.Length:
                    return "ends with a lone '\\' that escapes nothing (write '\\\\' for a literal backslash)";
                case (byte)'\\':
                    i += 2;
                    break;
                case (byte)'[':
                    if (ClassMistake(pattern, ref i) is { } mistake)
                    {
                        return mistake;
                    }
                    break;
                default:
                    i++;
                    break;
            }
        }
        return null;
    }

    /// <summary>Steps <paramref name="i"/> over the class starting at it ('['), as GlobPattern.MatchClass consumes it.</summary>
    private static string? ClassMistake(ReadOnlySpan<byte> pattern, ref int i)
    {
        var start = i++;
        var negated = i < pattern.Length && pattern[i] == (byte)'^';
        if (negated)
        {
            i++;
        }
        var members = 0;
        while (i < pattern.Length)
        {
            if (pattern[i] == (byte)'\\' && pattern.Length - i >= 2)
            {
                i += 2;
            }
            else if (pattern[i] == (byte)']')
            {
                i++;
                return members == 0 && !negated
                    ? $"has an empty class '[]' at offset {start}, which matches no character, so the pattern matches no key (write '\\[' for a literal '[')"
                    : null;
            }
            else if (pattern.Length - i >= 3 && pattern[i + 1] == (byte)'-')
            {
                i += 3;
            }
            else
            {
                i++;
            }
            members++;
        }
        return $"has a '[' at offset {start} that opens a character class never closed by ']' (write '\\[' for a literal '[')";
    }
}
