namespace Chorus.Core.Tests;

/// <summary>
/// Property runs with fixed seeds: case i uses <c>new Random(firstSeed + i)</c>, so every run
/// checks the same cases, and a failure names the seed that reproduces it
/// (<see cref="One"/> reruns a single seed). Generation is domain-specific (replica histories),
/// which is why this is a loop over seeds rather than a property-testing library.
/// </summary>
public static class Seeded
{
    public static void Cases(int count, int firstSeed, Action<Random> property)
    {
        for (var seed = firstSeed; seed < firstSeed + count; seed++)
        {
            One(seed, property);
        }
    }

    public static void One(int seed, Action<Random> property)
    {
        try
        {
            property(new Random(seed));
        }
        catch (Exception e)
        {
            throw new SeededCaseFailedException(seed, e);
        }
    }
}

public sealed class SeededCaseFailedException(int seed, Exception inner)
    : Exception($"property failed for seed {seed} (rerun it with Seeded.One({seed}, ...)): {inner.Message}", inner);
