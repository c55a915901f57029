namespace Chorus.Node;

/// <summary>
/// Conflicts per second at a site (issue 11: "conflicts per second, in INFO, /metrics and chorus
/// status"): the conflicts resolved in the last <see cref="WindowSeconds"/> whole seconds, averaged
/// — a rate that follows a burst within seconds and does not flicker with every conflict, as
/// Redis's instantaneous_ops_per_sec. Times are the node loop's clock (ms). Written on the loop,
/// read by INFO and /metrics on other threads.
/// </summary>
public sealed class ConflictRate
{
    public const int WindowSeconds = 10;

    private readonly long[] _second = new long[WindowSeconds + 1];
    private readonly long[] _count = new long[WindowSeconds + 1];
    private readonly Lock _lock = new();

    public void Record(long atMs)
    {
        var second = atMs / 1000;
        var slot = (int)(second % _second.Length);
        lock (_lock)
        {
            if (_second[slot] != second)
            {
                (_second[slot], _count[slot]) = (second, 0);
            }
            _count[slot]++;
        }
    }

    /// <summary>The average over the <see cref="WindowSeconds"/> whole seconds before the one <paramref name="nowMs"/> falls in.</summary>
    public double PerSecond(long nowMs)
    {
        var now = nowMs / 1000;
        long sum = 0;
        lock (_lock)
        {
            for (var i = 0; i < _second.Length; i++)
            {
                sum += _second[i] >= now - WindowSeconds && _second[i] < now ? _count[i] : 0;
            }
        }
        return (double)sum / WindowSeconds;
    }
}
