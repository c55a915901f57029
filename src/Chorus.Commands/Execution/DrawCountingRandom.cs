namespace Chorus.Commands.Execution;

/// <summary>
/// A random source that counts what is drawn from it: the statement log format logs a script as
/// the script only when it drew nothing (SPOP, SRANDMEMBER, RANDOMKEY ... inside it), since a
/// replica running it again would draw differently (docs/log-formats.md).
/// </summary>
internal sealed class DrawCountingRandom(Random inner) : Random
{
    /// <summary>Draws since the last <see cref="Reset"/>.</summary>
    public long Draws { get; private set; }

    public void Reset() => Draws = 0;

    public override int Next() => Count(inner.Next());

    public override int Next(int maxValue) => Count(inner.Next(maxValue));

    public override int Next(int minValue, int maxValue) => Count(inner.Next(minValue, maxValue));

    public override long NextInt64() => Count(inner.NextInt64());

    public override long NextInt64(long maxValue) => Count(inner.NextInt64(maxValue));

    public override long NextInt64(long minValue, long maxValue) => Count(inner.NextInt64(minValue, maxValue));

    public override double NextDouble() => Count(inner.NextDouble());

    public override float NextSingle() => Count(inner.NextSingle());

    public override void NextBytes(byte[] buffer)
    {
        Draws++;
        inner.NextBytes(buffer);
    }

    public override void NextBytes(Span<byte> buffer)
    {
        Draws++;
        inner.NextBytes(buffer);
    }

    protected override double Sample() => Count(inner.NextDouble());

    private T Count<T>(T value)
    {
        Draws++;
        return value;
    }
}
