namespace Chorus.Simulation.Engine;

/// <summary>
/// The run's one source of randomness. Every choice — latencies, losses, faults, client
/// operations, node seeds — is drawn from it in event order, so a seed replays exactly.
/// </summary>
public sealed class SimRandom(int seed)
{
    private readonly Random _random = new(seed);

    public int Seed { get; } = seed;

    /// <summary>A seed for a component that keeps its own generator (a node's command randomness).</summary>
    public int NextSeed() => _random.Next();

    /// <summary>0 ≤ result &lt; <paramref name="maxExclusive"/>.</summary>
    public int Next(int maxExclusive) => _random.Next(maxExclusive);

    public long Between(long minInclusive, long maxExclusive) =>
        maxExclusive <= minInclusive ? minInclusive : _random.NextInt64(minInclusive, maxExclusive);

    public double NextDouble() => _random.NextDouble();

    public bool Chance(double probability) => probability > 0 && _random.NextDouble() < probability;

    public T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    /// <summary>An exponentially distributed whole number with the given mean (memoryless waits).</summary>
    public long Exponential(double mean)
    {
        if (mean <= 0)
        {
            return 0;
        }
        var uniform = 1.0 - _random.NextDouble(); // (0, 1]: never log(0)
        return (long)(-Math.Log(uniform) * mean);
    }
}
