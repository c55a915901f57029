namespace Chorus.Simulation.Checkers.Linearizability;

public enum SearchOutcome
{
    Linearizable,
    NotLinearizable,
    Unknown,
}

/// <summary>What the search found for one key, with where it got stuck if it failed.</summary>
internal sealed record SearchResult(SearchOutcome Outcome, long StatesExplored, int DeepestLinearized, int? Blocked);

/// <summary>
/// Wing and Gong's linearizability search with Lowe's memoisation (as in Porcupine): walk the
/// history's call and return events in time order; at a call, try to linearize that operation
/// now (apply it to the model, lift its call and return out of the list, start again from the
/// front); at a return whose operation was not linearized yet, backtrack. A configuration
/// (set of linearized operations, model state) seen before is never explored twice. The history
/// is linearizable once every operation that returned is linearized; operations without a
/// return (indeterminate) may be linearized anywhere after their call, or not at all.
/// </summary>
internal sealed class WingGongSearch
{
    private const int TimeCheckEverySteps = 4096;

    private readonly IReadOnlyList<KeyOp> _ops;
    private readonly SequentialModel _model;
    private readonly int[] _next;
    private readonly int[] _prev;
    private readonly int _head;

    private WingGongSearch(IReadOnlyList<KeyOp> ops, SequentialModel model)
    {
        _ops = ops;
        _model = model;
        // Event e is the call (even) or return (odd) of operation e / 2; _head is a sentinel.
        _head = ops.Count * 2;
        _next = new int[_head + 1];
        _prev = new int[_head + 1];
        var order = Enumerable.Range(0, _head)
            .OrderBy(e => (e & 1) == 0 ? ops[e >> 1].CallUs : ops[e >> 1].ReturnUs)
            .ThenBy(e => e & 1) // at equal times calls come first: such operations count as concurrent
            .ThenBy(e => e)
            .ToArray();
        var previous = _head;
        foreach (var e in order)
        {
            _next[previous] = e;
            _prev[e] = previous;
            previous = e;
        }
        _next[previous] = -1;
    }

    public static SearchResult Run(IReadOnlyList<KeyOp> ops, SequentialModel model, SearchBudget budget, TimeProvider time) =>
        new WingGongSearch(ops, model).Search(budget, time);

    private SearchResult Search(SearchBudget budget, TimeProvider time)
    {
        var started = time.GetTimestamp();
        var remaining = _ops.Count(o => !o.Indeterminate);
        var linearized = new Bitset(_ops.Count);
        var seen = new HashSet<(Bitset, string?)>(new ConfigurationComparer());
        var stack = new Stack<(int Call, string? State)>();
        var state = _model.Initial;
        var entry = _next[_head];
        var deepest = 0;
        int? blocked = null;
        long steps = 0;
        while (remaining > 0)
        {
            if (++steps % TimeCheckEverySteps == 0 && budget.TimeMax is { } timeMax && time.GetElapsedTime(started) > timeMax)
            {
                return new SearchResult(SearchOutcome.Unknown, seen.Count, deepest, blocked);
            }
            if (entry >= 0 && (entry & 1) == 0)
            {
                var op = _ops[entry >> 1];
                if (_model.Step(state, op, out var next) && seen.Add((linearized.With(entry >> 1), next)))
                {
                    if (seen.Count > budget.StatesMax)
                    {
                        return new SearchResult(SearchOutcome.Unknown, seen.Count, deepest, blocked);
                    }
                    stack.Push((entry, state));
                    state = next;
                    linearized.Set(entry >> 1);
                    remaining -= op.Indeterminate ? 0 : 1;
                    Lift(entry);
                    entry = _next[_head];
                    deepest = Math.Max(deepest, stack.Count);
                }
                else
                {
                    entry = _next[entry];
                }
                continue;
            }
            // A return whose operation is not linearized yet: everything tried so far is a dead end.
            if (stack.Count >= deepest && entry >= 0)
            {
                blocked = entry >> 1;
            }
            if (stack.Count == 0)
            {
                return new SearchResult(SearchOutcome.NotLinearizable, seen.Count, deepest, blocked);
            }
            var (call, previousState) = stack.Pop();
            state = previousState;
            linearized.Clear(call >> 1);
            remaining += _ops[call >> 1].Indeterminate ? 0 : 1;
            Unlift(call);
            entry = _next[call];
        }
        return new SearchResult(SearchOutcome.Linearizable, seen.Count, deepest, null);
    }

    /// <summary>Takes an operation's call and return out of the list (dancing links).</summary>
    private void Lift(int call)
    {
        Unlink(call);
        Unlink(call + 1);
    }

    /// <summary>Puts them back; lifts are undone in reverse order, so the neighbours are still right.</summary>
    private void Unlift(int call)
    {
        Relink(call + 1);
        Relink(call);
    }

    private void Unlink(int e)
    {
        _next[_prev[e]] = _next[e];
        if (_next[e] >= 0)
        {
            _prev[_next[e]] = _prev[e];
        }
    }

    private void Relink(int e)
    {
        _next[_prev[e]] = e;
        if (_next[e] >= 0)
        {
            _prev[_next[e]] = e;
        }
    }

    /// <summary>Configurations compare by value; the state hash is FNV, never the per-process string hash.</summary>
    private sealed class ConfigurationComparer : IEqualityComparer<(Bitset Linearized, string? State)>
    {
        public bool Equals((Bitset Linearized, string? State) x, (Bitset Linearized, string? State) y) =>
            x.Linearized.Equals(y.Linearized) && string.Equals(x.State, y.State, StringComparison.Ordinal);

        public int GetHashCode((Bitset Linearized, string? State) configuration)
        {
            var hash = 2166136261u;
            foreach (var c in configuration.State ?? "")
            {
                hash = (hash ^ c) * 16777619u;
            }
            return unchecked((configuration.Linearized.GetHashCode() * 31) + (int)hash);
        }
    }
}
