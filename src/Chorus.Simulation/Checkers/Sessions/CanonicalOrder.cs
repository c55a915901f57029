using Chorus.Simulation.History;

namespace Chorus.Simulation.Checkers.Sessions;

/// <summary>
/// Per list key, the longest list any read observed. In a consistent history every other read
/// of the key is a prefix of it, and it gives every append a position to compare against.
/// </summary>
internal sealed class CanonicalOrder
{
    private readonly IReadOnlyList<string>[] _tokens;
    private readonly int[] _opIds;

    public CanonicalOrder(int keyCount)
    {
        _tokens = [.. Enumerable.Repeat<IReadOnlyList<string>>([], keyCount)];
        _opIds = new int[keyCount];
    }

    /// <summary>Considers a read's list for the key; the longest wins, the earliest among equals.</summary>
    public void Offer(int key, IReadOnlyList<string> tokens, Operation read)
    {
        if (tokens.Count > _tokens[key].Count)
        {
            _tokens[key] = tokens;
            _opIds[key] = read.Id;
        }
    }

    public IReadOnlyList<string> Tokens(int key) => _tokens[key];

    /// <summary>The read that observed the canonical list.</summary>
    public int OpId(int key) => _opIds[key];

    public bool IsPrefix(int key, IReadOnlyList<string> tokens)
    {
        var canonical = _tokens[key];
        if (tokens.Count > canonical.Count)
        {
            return false;
        }
        for (var i = 0; i < tokens.Count; i++)
        {
            if (!string.Equals(tokens[i], canonical[i], StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }
}
