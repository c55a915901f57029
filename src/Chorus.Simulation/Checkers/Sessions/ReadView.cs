using Chorus.Simulation.History;

namespace Chorus.Simulation.Checkers.Sessions;

/// <summary>
/// What one successful read showed of each list key it read. A read that shows a prefix of the
/// canonical order (the usual case) is just a length per key, and "does it show append a?" is
/// one comparison; any other read keeps the position of every append it shows.
/// </summary>
internal sealed class ReadView
{
    private readonly AppendObservations _observations;
    private readonly int[] _lengths;
    private readonly bool[] _canonical;
    private readonly Dictionary<int, int>?[] _positions;

    public ReadView(AppendObservations observations, Operation op, int client)
    {
        _observations = observations;
        Op = op;
        Client = client;
        _lengths = [.. Enumerable.Repeat(-1, observations.KeyCount)];
        _canonical = new bool[observations.KeyCount];
        _positions = new Dictionary<int, int>?[observations.KeyCount];
    }

    public Operation Op { get; }

    /// <summary>The reading session's index in <see cref="AppendObservations.Clients"/>.</summary>
    public int Client { get; }

    public int SessionIndex => Op.SessionIndex;

    /// <summary>The list keys this read covers, by index.</summary>
    public List<int> Keys { get; } = [];

    public void Set(int key, IReadOnlyList<string> tokens, bool canonical)
    {
        Keys.Add(key);
        _lengths[key] = tokens.Count;
        _canonical[key] = canonical;
        if (!canonical)
        {
            var positions = new Dictionary<int, int>();
            for (var i = 0; i < tokens.Count; i++)
            {
                if (_observations.AppendIndex(tokens[i]) is { } append)
                {
                    positions.TryAdd(append, i);
                }
            }
            _positions[key] = positions;
        }
    }

    public bool Reads(int key) => _lengths[key] >= 0;

    public int Length(int key) => _lengths[key];

    public bool IsCanonicalPrefix(int key) => _canonical[key];

    public bool AllCanonical => Keys.All(k => _canonical[k]);

    /// <summary>Where the read shows append <paramref name="append"/> in its key's list, or -1 (also if it does not read the key).</summary>
    public int PositionOf(int append)
    {
        var key = _observations.AppendKey(append);
        if (_lengths[key] < 0)
        {
            return -1;
        }
        if (_canonical[key])
        {
            var position = _observations.CanonicalPosition(append);
            return position < _lengths[key] ? position : -1;
        }
        return _positions[key]!.GetValueOrDefault(append, -1);
    }

    public bool Shows(int append) => PositionOf(append) >= 0;

    /// <summary>The appends shown for a key that is not a canonical prefix.</summary>
    public IEnumerable<int> NonCanonicalAppends(int key) => _positions[key]!.Keys;
}
