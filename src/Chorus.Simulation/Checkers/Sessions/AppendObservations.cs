using Chorus.Simulation.History;
using Chorus.Simulation.Workloads;

namespace Chorus.Simulation.Checkers.Sessions;

/// <summary>
/// A list-append history indexed for the session checkers. Keys, clients and appends get small
/// integer indexes; every append its position in the canonical order; every successful read a
/// <see cref="ReadView"/>; every session, per key, what it had acknowledged
/// (<see cref="AckedAppends"/>) and what it had observed (<see cref="Frontier"/>) at any point.
/// </summary>
internal sealed class AppendObservations
{
    private readonly Dictionary<string, int> _keyIndex = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _appendByToken = new(StringComparer.Ordinal);
    private readonly List<Operation> _appends = [];
    private readonly int[] _appendKey;
    private readonly int[] _appendClient;
    private readonly int[] _canonicalPosition;
    private readonly Frontier[,] _frontiers;
    private readonly AckedAppends[,] _acked;
    private readonly int[][][] _latestUpTo;

    public AppendObservations(OperationHistory history)
    {
        Keys = [.. history.Operations.Where(o => o.Kind == OpKind.Append).Select(o => o.Key).Distinct().Order(StringComparer.Ordinal)];
        Clients = [.. history.Operations.Select(o => o.Client).Distinct().Order(StringComparer.Ordinal)];
        for (var k = 0; k < Keys.Count; k++)
        {
            _keyIndex[Keys[k]] = k;
        }
        var clientIndex = Clients.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        foreach (var append in history.Operations.Where(o => o.Kind == OpKind.Append))
        {
            _appendByToken.TryAdd(append.Value!, _appends.Count);
            _appends.Add(append);
        }
        _appendKey = [.. _appends.Select(a => _keyIndex[a.Key])];
        _appendClient = [.. _appends.Select(a => clientIndex[a.Client])];
        Canonical = new CanonicalOrder(Keys.Count);
        var reads = history.Operations.Where(o => o.IsRead && o.Outcome == OpOutcome.Ok && o.Keys.Any(_keyIndex.ContainsKey)).ToList();
        var lists = reads.Select(ListsOf).ToList();
        for (var r = 0; r < reads.Count; r++)
        {
            foreach (var (key, tokens) in lists[r])
            {
                Canonical.Offer(key, tokens, reads[r]);
            }
        }
        _canonicalPosition = [.. Enumerable.Repeat(int.MaxValue, _appends.Count)];
        for (var k = 0; k < Keys.Count; k++)
        {
            var tokens = Canonical.Tokens(k);
            for (var p = 0; p < tokens.Count; p++)
            {
                if (AppendIndex(tokens[p]) is { } append && _canonicalPosition[append] == int.MaxValue)
                {
                    _canonicalPosition[append] = p;
                }
            }
        }
        _frontiers = new Frontier[Clients.Count, Keys.Count];
        _acked = new AckedAppends[Clients.Count, Keys.Count];
        for (var c = 0; c < Clients.Count; c++)
        {
            for (var k = 0; k < Keys.Count; k++)
            {
                _frontiers[c, k] = new Frontier();
                _acked[c, k] = new AckedAppends();
            }
        }
        for (var r = 0; r < reads.Count; r++)
        {
            var view = new ReadView(this, reads[r], clientIndex[reads[r].Client]);
            foreach (var (key, tokens) in lists[r])
            {
                view.Set(key, tokens, Canonical.IsPrefix(key, tokens));
            }
            Reads.Add(view);
            foreach (var key in view.Keys)
            {
                _frontiers[view.Client, key].Observe(view, key);
            }
        }
        for (var a = 0; a < _appends.Count; a++)
        {
            if (_appends[a].IsAcknowledgedWrite)
            {
                _acked[_appendClient[a], _appendKey[a]].Add(_appends[a].SessionIndex, a, _canonicalPosition[a]);
            }
        }
        _latestUpTo = BuildLatestUpTo();
        Sessions = history.Sessions();
    }

    public IReadOnlyList<string> Keys { get; }

    public IReadOnlyList<string> Clients { get; }

    public int KeyCount => Keys.Count;

    public bool IsEmpty => Keys.Count == 0;

    public CanonicalOrder Canonical { get; }

    /// <summary>Successful reads of list keys, in invocation order.</summary>
    public List<ReadView> Reads { get; } = [];

    public IReadOnlyList<IReadOnlyList<Operation>> Sessions { get; }

    public Operation Append(int append) => _appends[append];

    public int? AppendIndex(string token) => _appendByToken.TryGetValue(token, out var index) ? index : null;

    public int AppendKey(int append) => _appendKey[append];

    public int AppendClient(int append) => _appendClient[append];

    /// <summary>The append's position in its key's canonical order; int.MaxValue if no read ever showed it.</summary>
    public int CanonicalPosition(int append) => _canonicalPosition[append];

    public Frontier FrontierOf(int client, int key) => _frontiers[client, key];

    public AckedAppends AckedOf(int client, int key) => _acked[client, key];

    /// <summary>For each client (by index), its latest append in session order that <paramref name="read"/> shows, or -1.</summary>
    public int[] LatestVisibleAppends(ReadView read)
    {
        var latest = Enumerable.Repeat(-1, Clients.Count).ToArray();
        foreach (var key in read.Keys)
        {
            if (read.IsCanonicalPrefix(key))
            {
                if (read.Length(key) > 0)
                {
                    for (var c = 0; c < Clients.Count; c++)
                    {
                        Later(latest, c, _latestUpTo[key][c][read.Length(key) - 1]);
                    }
                }
                continue;
            }
            foreach (var append in read.NonCanonicalAppends(key))
            {
                Later(latest, _appendClient[append], append);
            }
        }
        return latest;
    }

    private void Later(int[] latest, int client, int candidate)
    {
        if (candidate >= 0 && (latest[client] < 0 || _appends[candidate].SessionIndex > _appends[latest[client]].SessionIndex))
        {
            latest[client] = candidate;
        }
    }

    /// <summary>[key][client][p]: the client's append with the highest session index among the first p+1 canonical entries.</summary>
    private int[][][] BuildLatestUpTo()
    {
        var table = new int[Keys.Count][][];
        for (var k = 0; k < Keys.Count; k++)
        {
            var tokens = Canonical.Tokens(k);
            table[k] = new int[Clients.Count][];
            for (var c = 0; c < Clients.Count; c++)
            {
                var column = new int[tokens.Count];
                var best = -1;
                for (var p = 0; p < tokens.Count; p++)
                {
                    if (AppendIndex(tokens[p]) is { } append && _appendClient[append] == c && (best < 0 || _appends[append].SessionIndex > _appends[best].SessionIndex))
                    {
                        best = append;
                    }
                    column[p] = best;
                }
                table[k][c] = column;
            }
        }
        return table;
    }

    private List<(int Key, IReadOnlyList<string> Tokens)> ListsOf(Operation read)
    {
        var lists = new List<(int, IReadOnlyList<string>)>();
        for (var i = 0; i < read.Keys.Count; i++)
        {
            if (_keyIndex.TryGetValue(read.Keys[i], out var key) && lists.All(l => l.Item1 != key))
            {
                lists.Add((key, AppendList.Parse(read.Values[i])));
            }
        }
        return lists;
    }
}
