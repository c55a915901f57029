using Chorus.Commands.Data.Numbers;

namespace Chorus.Commands.Data.Bitmaps;

/// <summary>
/// Bit offsets as Redis's getBitOffsetFromArgument reads them: a non-negative integer (or, for
/// BITFIELD, "#n" meaning n × the field's width) whose byte fits in a string of the maximum size.
/// </summary>
internal static class BitOffset
{
    public const string Error = "ERR bit offset is not an integer or out of range";

    public static bool TryParse(ReadOnlySpan<byte> text, int fieldBits, out long offset)
    {
        var multiple = fieldBits > 0 && text is [(byte)'#', ..];
        if (!IntegerText.TryParse(multiple ? text[1..] : text, out offset) || offset < 0)
        {
            return false;
        }
        if (multiple)
        {
            if (offset > long.MaxValue / fieldBits)
            {
                return false;
            }
            offset *= fieldBits;
        }
        return DataLimits.FitsInString((offset >> 3) + 1);
    }
}
