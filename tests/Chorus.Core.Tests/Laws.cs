namespace Chorus.Core.Tests;

/// <summary>
/// The three laws that make a state-based merge converge (Shapiro et al.): commutative,
/// associative, idempotent. Checked over states a test reached by replaying random operations
/// and merges, with merges applied in every order of three states.
/// </summary>
public static class Laws
{
    /// <param name="merge">Merges two states into a new one, changing neither.</param>
    /// <param name="same">Whether two states are equal.</param>
    public static void Hold<T>(T a, T b, T c, Func<T, T, T> merge, Func<T, T, bool> same, Func<T, string> show)
    {
        Assert.True(same(merge(a, b), merge(b, a)), $"merge is not commutative: {show(a)} and {show(b)}");
        Assert.True(same(merge(a, a), a), $"merge is not idempotent: {show(a)}");
        Assert.True(same(merge(merge(a, b), c), merge(a, merge(b, c))), $"merge is not associative: {show(a)}, {show(b)}, {show(c)}");
        var reference = merge(merge(a, b), c);
        foreach (var (x, y, z) in new[] { (a, c, b), (b, a, c), (b, c, a), (c, a, b), (c, b, a) })
        {
            Assert.True(same(merge(merge(x, y), z), reference), $"merging in another order gives another state: {show(x)}, {show(y)}, {show(z)}");
        }
        Assert.True(same(merge(reference, a), reference), "merging a state already merged in changes the result");
    }
}
