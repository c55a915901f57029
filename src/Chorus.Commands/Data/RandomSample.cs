using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Execution;
using Chorus.Resp;

namespace Chorus.Commands.Data;

/// <summary>Random picks for SPOP, SRANDMEMBER and HRANDFIELD, drawn from an injected source.</summary>
internal static class RandomSample
{
    /// <summary>
    /// The indices SRANDMEMBER and HRANDFIELD reply with, by Redis's cases: a negative count (or
    /// 1) draws independently, repeats allowed; a count of at least the size is everything in
    /// order; anything else is a sample without repeats. <paramref name="count"/> is not 0.
    /// </summary>
    public static int[] Pick(Random random, int size, long count)
    {
        if (count < 0 || count == 1)
        {
            var draws = new int[Math.Abs(count)];
            for (var i = 0; i < draws.Length; i++)
            {
                draws[i] = random.Next(size);
            }
            return draws;
        }
        return count >= size ? Enumerable.Range(0, size).ToArray() : DistinctIndices(random, size, (int)count);
    }

    /// <summary><paramref name="count"/> distinct indices below <paramref name="size"/>, in random order.</summary>
    public static int[] DistinctIndices(Random random, int size, int count)
    {
        var indices = new int[size];
        for (var i = 0; i < size; i++)
        {
            indices[i] = i;
        }
        // A partial Fisher-Yates shuffle: the first `count` slots end up a uniform sample.
        for (var i = 0; i < count; i++)
        {
            var j = random.Next(i, size);
            (indices[i], indices[j]) = (indices[j], indices[i]);
        }
        return indices[..count];
    }

    /// <summary>
    /// The count of SRANDMEMBER and HRANDFIELD: an integer in [-LONG_MAX, LONG_MAX] as in Redis,
    /// and, for a negative count (which repeats elements, so the set size does not bound the
    /// reply), no more than <see cref="DataLimits.RandomRepliesMax"/> elements.
    /// </summary>
    public static bool TryParseCount(ReadOnlySpan<byte> text, RespWriter reply, out long count)
    {
        if (!IntegerText.TryParse(text, out count))
        {
            reply.WriteError(Errors.NotInteger);
            return false;
        }
        if (count == long.MinValue)
        {
            reply.WriteError(Errors.OutOfRangeBetween(-long.MaxValue, long.MaxValue));
            return false;
        }
        if (count < -DataLimits.RandomRepliesMax)
        {
            reply.WriteError(Errors.OutOfRangeBetween(-DataLimits.RandomRepliesMax, long.MaxValue));
            return false;
        }
        return true;
    }
}
