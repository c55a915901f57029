namespace Chorus.Scripting;

/// <summary>
/// Rewrites <c>return redis.call(...)</c> (and pcall) as <c>return (redis.call(...))</c> before the
/// script compiles: the same value, but not a tail call. Lua 5.4 drops the frame of a function
/// that tail-calls a Lua function (redis.call is one here), so an error raised in the call would
/// not know the script's line, which Redis 7.0's error messages name. Nothing else changes — not
/// the line numbers, not the SHA1 (taken from the script as sent). A light scanner: it skips
/// strings and comments, and gives up (leaves the text as it is) on anything it does not follow.
/// </summary>
internal static class TailCallGuard
{
    public static byte[] Rewrite(byte[] script)
    {
        var text = System.Text.Encoding.UTF8.GetString(script);
        var insertions = new List<(int At, char What)>();
        var i = 0;
        while (i < text.Length)
        {
            var skipped = Skip(text, i);
            if (skipped != i)
            {
                i = skipped;
                continue;
            }
            if (IsWordAt(text, i, "return"))
            {
                var call = i + "return".Length;
                while (call < text.Length && char.IsWhiteSpace(text[call]))
                {
                    call++;
                }
                var open = StartsWith(text, call, "redis.call") ? call + "redis.call".Length : StartsWith(text, call, "redis.pcall") ? call + "redis.pcall".Length : -1;
                if (open > 0 && open < text.Length && text[open] == '(' && Matching(text, open) is var close && close > 0)
                {
                    insertions.Add((call, '('));
                    insertions.Add((close + 1, ')'));
                    i = close + 1;
                    continue;
                }
            }
            i++;
        }
        if (insertions.Count == 0)
        {
            return script;
        }
        var rewritten = new System.Text.StringBuilder(text);
        for (var k = insertions.Count - 1; k >= 0; k--)
        {
            rewritten.Insert(insertions[k].At, insertions[k].What);
        }
        return System.Text.Encoding.UTF8.GetBytes(rewritten.ToString());
    }

    /// <summary>The index of the parenthesis closing the one at <paramref name="open"/>, or -1.</summary>
    private static int Matching(string text, int open)
    {
        var depth = 0;
        var i = open;
        while (i < text.Length)
        {
            var skipped = Skip(text, i);
            if (skipped == -1)
            {
                return -1;
            }
            if (skipped != i)
            {
                i = skipped;
                continue;
            }
            depth += text[i] == '(' ? 1 : text[i] == ')' ? -1 : 0;
            if (depth == 0)
            {
                return i;
            }
            i++;
        }
        return -1;
    }

    /// <summary>Past a string or comment starting at <paramref name="i"/> (i itself when none does; -1 when one never ends).</summary>
    private static int Skip(string text, int i)
    {
        if (i < 0 || i >= text.Length)
        {
            return i;
        }
        if (StartsWith(text, i, "--"))
        {
            if (LongBracket(text, i + 2) is var level && level >= 0)
            {
                return CloseLongBracket(text, i + 2, level);
            }
            var end = text.IndexOf('\n', i);
            return end < 0 ? text.Length : end;
        }
        if (text[i] is '"' or '\'')
        {
            var quote = text[i];
            for (var j = i + 1; j < text.Length; j++)
            {
                if (text[j] == '\\')
                {
                    j++;
                }
                else if (text[j] == quote)
                {
                    return j + 1;
                }
            }
            return -1;
        }
        if (text[i] == '[' && LongBracket(text, i) is var open && open >= 0)
        {
            return CloseLongBracket(text, i, open);
        }
        return i;
    }

    /// <summary>The level of a long bracket [==[ at <paramref name="i"/>, or -1.</summary>
    private static int LongBracket(string text, int i)
    {
        if (i >= text.Length || text[i] != '[')
        {
            return -1;
        }
        var j = i + 1;
        while (j < text.Length && text[j] == '=')
        {
            j++;
        }
        return j < text.Length && text[j] == '[' ? j - i - 1 : -1;
    }

    private static int CloseLongBracket(string text, int i, int level)
    {
        var close = "]" + new string('=', level) + "]";
        var end = text.IndexOf(close, i, StringComparison.Ordinal);
        return end < 0 ? -1 : end + close.Length;
    }

    private static bool StartsWith(string text, int i, string word) => string.CompareOrdinal(text, i, word, 0, word.Length) == 0;

    private static bool IsWordAt(string text, int i, string word) =>
        StartsWith(text, i, word)
        && (i == 0 || !IsIdentifier(text[i - 1]))
        && (i + word.Length >= text.Length || !IsIdentifier(text[i + word.Length]));

    private static bool IsIdentifier(char c) => char.IsLetterOrDigit(c) || c == '_';
}
