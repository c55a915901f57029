namespace Chorus.Simulation.Checkers.Linearizability;

/// <summary>A fixed-size set of operation indexes, value-comparable, with a deterministic hash.</summary>
internal sealed class Bitset : IEquatable<Bitset>
{
    private readonly ulong[] _words;

    public Bitset(int size) => _words = new ulong[(size + 63) / 64];

    private Bitset(ulong[] words) => _words = words;

    public void Set(int index) => _words[index >> 6] |= 1UL << (index & 63);

    public void Clear(int index) => _words[index >> 6] &= ~(1UL << (index & 63));

    public Bitset With(int index)
    {
        var copy = new Bitset((ulong[])_words.Clone());
        copy.Set(index);
        return copy;
    }

    public bool Equals(Bitset? other) => other is not null && _words.AsSpan().SequenceEqual(other._words);

    public override bool Equals(object? obj) => Equals(obj as Bitset);

    public override int GetHashCode()
    {
        var hash = 14695981039346656037UL;
        foreach (var word in _words)
        {
            hash = (hash ^ word) * 1099511628211UL;
        }
        return (int)(hash ^ (hash >> 32));
    }
}
