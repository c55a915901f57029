using Chorus.Commands.Data.Numbers;

namespace Chorus.Commands.Data.SortedSets;

/// <summary>A ZRANGEBYSCORE-style range: "(" makes a bound exclusive; "-inf" and "+inf" are the ends.</summary>
internal readonly record struct ScoreRange(double Min, bool MinExclusive, double Max, bool MaxExclusive)
{
    public const string Error = "ERR min or max is not a float";

    public static bool TryParse(ReadOnlySpan<byte> min, ReadOnlySpan<byte> max, out ScoreRange range)
    {
        range = default;
        if (!TryParseBound(min, out var low, out var lowExclusive) || !TryParseBound(max, out var high, out var highExclusive))
        {
            return false;
        }
        range = new ScoreRange(low, lowExclusive, high, highExclusive);
        return true;
    }

    /// <summary>Redis's zslIsInRange: nothing can be inside an inverted range, or an empty one with an exclusive end.</summary>
    public bool IsEmpty => Min > Max || (Min == Max && (MinExclusive || MaxExclusive));

    public bool AboveMin(double score) => MinExclusive ? score > Min : score >= Min;

    public bool BelowMax(double score) => MaxExclusive ? score < Max : score <= Max;

    private static bool TryParseBound(ReadOnlySpan<byte> text, out double value, out bool exclusive)
    {
        exclusive = text is [(byte)'(', ..];
        return FloatText.TryParseRangeBound(exclusive ? text[1..] : text, out value);
    }
}

/// <summary>A ZRANGEBYLEX-style range: "[" inclusive, "(" exclusive, "-" and "+" the ends.</summary>
internal readonly record struct LexRange(byte[]? Min, bool MinExclusive, byte[]? Max, bool MaxExclusive)
{
    public const string Error = "ERR min or max not valid string range item";

    public static bool TryParse(ReadOnlySpan<byte> min, ReadOnlySpan<byte> max, out LexRange range)
    {
        range = default;
        if (!TryParseBound(min, out var low, out var lowExclusive, infinite: (byte)'-', otherInfinite: (byte)'+', out var lowEmpty)
            || !TryParseBound(max, out var high, out var highExclusive, infinite: (byte)'+', otherInfinite: (byte)'-', out var highEmpty))
        {
            return false;
        }
        range = new LexRange(low, lowExclusive, high, highExclusive) { NothingAbove = lowEmpty, NothingBelow = highEmpty };
        return true;
    }

    /// <summary>The min bound was "+": nothing is at or above it.</summary>
    private bool NothingAbove { get; init; }

    /// <summary>The max bound was "-": nothing is at or below it.</summary>
    private bool NothingBelow { get; init; }

    public bool IsEmpty =>
        NothingAbove || NothingBelow ||
        (Min is not null && Max is not null && (Min.AsSpan().SequenceCompareTo(Max) is var order) && (order > 0 || (order == 0 && (MinExclusive || MaxExclusive))));

    public bool AboveMin(ReadOnlySpan<byte> member) =>
        Min is null || (member.SequenceCompareTo(Min) is var order && (MinExclusive ? order > 0 : order >= 0));

    public bool BelowMax(ReadOnlySpan<byte> member) =>
        Max is null || (member.SequenceCompareTo(Max) is var order && (MaxExclusive ? order < 0 : order <= 0));

    private static bool TryParseBound(ReadOnlySpan<byte> text, out byte[]? bound, out bool exclusive, byte infinite, byte otherInfinite, out bool empty)
    {
        bound = null;
        exclusive = false;
        empty = false;
        if (text.Length == 1 && (text[0] == infinite || text[0] == otherInfinite))
        {
            empty = text[0] == otherInfinite;
            return true;
        }
        if (text is [(byte)'[' or (byte)'(', ..])
        {
            exclusive = text[0] == (byte)'(';
            bound = text[1..].ToArray();
            return true;
        }
        return false;
    }
}
