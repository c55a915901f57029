namespace Chorus.Commands.Data.Numbers;

/// <summary>64-bit addition for INCRBY and HINCRBY.</summary>
public static class IntegerSum
{
    /// <summary>Redis's overflow test, so "increment or decrement would overflow" fires exactly where it does there.</summary>
    public static bool TryAdd(long current, long increment, out long result)
    {
        result = 0;
        if ((increment < 0 && current < 0 && increment < long.MinValue - current) ||
            (increment > 0 && current > 0 && increment > long.MaxValue - current))
        {
            return false;
        }
        result = current + increment;
        return true;
    }
}
