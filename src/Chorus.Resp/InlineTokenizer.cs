namespace Chorus.Resp;

/// <summary>
/// Splits an inline request line into arguments the way Redis's <c>sdssplitargs</c> does:
/// blanks separate words; double quotes take <c>\n \r \t \b \a \xHH</c> and any other
/// backslash-escaped byte; single quotes take only <c>\'</c>; a closing quote must be followed
/// by a blank or the end. Works in place: the unescaped bytes are never longer than the text.
/// </summary>
/// <remarks>NUL is ordinary data here; Redis's C strings would end the line at it.</remarks>
internal static class InlineTokenizer
{
    /// <summary>
    /// Tokenizes <paramref name="line"/>, which sits in the batch arena at
    /// <paramref name="lineOffset"/>, adds one argument per word and returns the bytes used;
    /// -1 on unbalanced quotes.
    /// </summary>
    public static int Split(Span<byte> line, int lineOffset, RequestBatch batch)
    {
        int read = 0, written = 0;
        while (true)
        {
            while (read < line.Length && IsBlank(line[read]))
            {
                read++;
            }

            if (read == line.Length)
            {
                return written;
            }

            var start = written;
            if (!ReadWord(line, ref read, ref written))
            {
                return -1;
            }

            batch.AddArgument(lineOffset + start, written - start);
        }
    }

    private static bool ReadWord(Span<byte> line, ref int read, ref int written)
    {
        while (read < line.Length)
        {
            var b = line[read];
            // sdssplitargs ends a bare word only at space, tab, CR or LF: \v and \f separate
            // words but do not end one.
            if (IsBlank(b) && b is not ((byte)'\v' or (byte)'\f'))
            {
                return true;
            }

            read++;
            switch (b)
            {
                // A quote may open mid-word; its closing quote ends the word.
                case (byte)'"':
                    return ReadDoubleQuoted(line, ref read, ref written);
                case (byte)'\'':
                    return ReadSingleQuoted(line, ref read, ref written);
                default:
                    line[written++] = b;
                    break;
            }
        }

        return true;
    }

    private static bool ReadDoubleQuoted(Span<byte> line, ref int read, ref int written)
    {
        while (read < line.Length)
        {
            var b = line[read];
            if (b == (byte)'"')
            {
                return ClosesWord(line, ref read);
            }

            if (b == (byte)'\\' && read + 3 < line.Length && line[read + 1] == (byte)'x' &&
                char.IsAsciiHexDigit((char)line[read + 2]) && char.IsAsciiHexDigit((char)line[read + 3]))
            {
                line[written++] = (byte)((HexValue(line[read + 2]) << 4) | HexValue(line[read + 3]));
                read += 4;
            }
            else if (b == (byte)'\\' && read + 1 < line.Length)
            {
                line[written++] = Unescape(line[read + 1]);
                read += 2;
            }
            else
            {
                line[written++] = b;
                read++;
            }
        }

        return false;
    }

    private static bool ReadSingleQuoted(Span<byte> line, ref int read, ref int written)
    {
        while (read < line.Length)
        {
            var b = line[read];
            if (b == (byte)'\'')
            {
                return ClosesWord(line, ref read);
            }

            var escapedQuote = b == (byte)'\\' && read + 1 < line.Length && line[read + 1] == (byte)'\'';
            line[written++] = escapedQuote ? (byte)'\'' : b;
            read += escapedQuote ? 2 : 1;
        }

        return false;
    }

    /// <summary>At a closing quote: valid only before a blank or the end of the line.</summary>
    private static bool ClosesWord(Span<byte> line, ref int read)
    {
        read++;
        return read == line.Length || IsBlank(line[read]);
    }

    private static byte Unescape(byte escaped) => escaped switch
    {
        (byte)'n' => (byte)'\n',
        (byte)'r' => (byte)'\r',
        (byte)'t' => (byte)'\t',
        (byte)'b' => 0x08,
        (byte)'a' => 0x07,
        _ => escaped,
    };

    private static int HexValue(byte digit) => digit <= (byte)'9' ? digit - '0' : (digit | 0x20) - 'a' + 10;

    /// <summary>C's isspace: the characters that separate words.</summary>
    private static bool IsBlank(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r';
}
