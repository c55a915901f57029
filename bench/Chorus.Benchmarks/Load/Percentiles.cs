using System.Globalization;

namespace Chorus.Benchmarks.Load;

/// <summary>Nearest-rank percentiles over a sample.</summary>
public static class Percentiles
{
    public static double Of(List<double> sorted, double percentile)
    {
        if (sorted.Count == 0)
        {
            return double.NaN;
        }
        var rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    public static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
