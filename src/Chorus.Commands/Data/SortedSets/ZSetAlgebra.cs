using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Core;
using Chorus.Resp;

namespace Chorus.Commands.Data.SortedSets;

/// <summary>
/// Union, intersection and difference of sorted sets (plain sets count, with score 1), with
/// WEIGHTS and AGGREGATE SUM|MIN|MAX, parsed and computed as Redis's zunionInterDiffGenericCommand:
/// numkeys, then every key's type, then the options. The result is in (score, member) order.
/// </summary>
internal sealed class ZSetAlgebra
{
    public enum Operation
    {
        Union,
        Intersection,
        Difference,
    }

    private enum Aggregate
    {
        Sum,
        Min,
        Max,
    }

    private readonly record struct Input(DataType Type, ulong Id, long Count);

    private readonly List<Input> _inputs = [];
    private double[] _weights = [];
    private Aggregate _aggregate = Aggregate.Sum;

    public bool WithScores { get; private set; }

    /// <summary>Members of the intersection at most (ZINTERCARD's LIMIT; 0: all).</summary>
    public long Limit { get; private set; }

    /// <summary>
    /// Parses numkeys at <paramref name="numKeysIndex"/>, the keys after it and the options; false
    /// after writing the error. <paramref name="name"/> is the command's, for Redis's wording.
    /// </summary>
    public static bool TryParse(IKeyspaceView view, RespCommand command, int numKeysIndex, Operation operation, bool store, bool cardinality, string name, RespWriter reply, out ZSetAlgebra algebra)
    {
        algebra = new ZSetAlgebra();
        if (!IntegerText.TryParse(command[numKeysIndex], out var keys))
        {
            reply.WriteError(Errors.NotInteger);
            return false;
        }
        if (keys < 1)
        {
            reply.WriteError($"ERR at least 1 input key is needed for '{name}' command");
            return false;
        }
        if (keys > command.ArgumentCount - numKeysIndex - 1)
        {
            reply.WriteError(Errors.Syntax);
            return false;
        }
        for (var i = 0; i < keys; i++)
        {
            var live = view.GetLive(command[numKeysIndex + 1 + i]);
            if (live is null)
            {
                algebra._inputs.Add(new Input(DataType.SortedSet, 0, 0));
                continue;
            }
            var record = KeyRecord.Parse(live);
            if (record.Type is not (DataType.SortedSet or DataType.Set))
            {
                reply.WriteError(Errors.WrongType);
                return false;
            }
            algebra._inputs.Add(new Input(record.Type, record.CollectionId, record.Count));
        }
        algebra._weights = [.. Enumerable.Repeat(1.0, (int)keys)];
        return algebra.TryParseOptions(command, numKeysIndex + 1 + (int)keys, operation, store, cardinality, reply);
    }

    /// <summary>The result, in (score, member) order.</summary>
    public List<ScoredMember> Compute(IKeyspaceView view, Operation operation)
    {
        var result = operation switch
        {
            Operation.Union => Union(view),
            Operation.Intersection => Intersect(view),
            _ => Difference(view),
        };
        result.Sort((a, b) => a.Score != b.Score ? a.Score.CompareTo(b.Score) : a.Member.AsSpan().SequenceCompareTo(b.Member));
        return result;
    }

    private bool TryParseOptions(RespCommand command, int first, Operation operation, bool store, bool cardinality, RespWriter reply)
    {
        for (var j = first; j < command.ArgumentCount; j++)
        {
            var remaining = command.ArgumentCount - j - 1;
            if (cardinality && remaining >= 1 && command.ArgumentIs(j, "LIMIT"u8))
            {
                if (!IntegerText.TryParse(command[j + 1], out var limit) || limit < 0)
                {
                    reply.WriteError("ERR LIMIT can't be negative");
                    return false;
                }
                Limit = limit;
                j++;
            }
            else if (!cardinality && operation != Operation.Difference && remaining >= _weights.Length && command.ArgumentIs(j, "WEIGHTS"u8))
            {
                for (var w = 0; w < _weights.Length; w++)
                {
                    if (!FloatText.TryParseDouble(command[j + 1 + w], out _weights[w]))
                    {
                        reply.WriteError("ERR weight value is not a float");
                        return false;
                    }
                }
                j += _weights.Length;
            }
            else if (!cardinality && operation != Operation.Difference && remaining >= 1 && command.ArgumentIs(j, "AGGREGATE"u8))
            {
                var aggregate = command.ArgumentIs(j + 1, "SUM"u8) ? Aggregate.Sum
                    : command.ArgumentIs(j + 1, "MIN"u8) ? Aggregate.Min
                    : command.ArgumentIs(j + 1, "MAX"u8) ? Aggregate.Max
                    : (Aggregate?)null;
                if (aggregate is null)
                {
                    reply.WriteError(Errors.Syntax);
                    return false;
                }
                _aggregate = aggregate.Value;
                j++;
            }
            else if (!store && !cardinality && command.ArgumentIs(j, "WITHSCORES"u8))
            {
                WithScores = true;
            }
            else
            {
                reply.WriteError(Errors.Syntax);
                return false;
            }
        }
        return true;
    }

    private List<ScoredMember> Union(IKeyspaceView view)
    {
        var scores = new Dictionary<byte[], double>(ByteArrayComparer.Instance);
        foreach (var i in SmallestFirst())
        {
            foreach (var member in Members(view, _inputs[i]))
            {
                var weighted = Weighted(member.Score, i);
                scores[member.Member] = scores.TryGetValue(member.Member, out var current) ? Combine(current, weighted) : weighted;
            }
        }
        return [.. scores.Select(e => new ScoredMember(e.Key, e.Value))];
    }

    private List<ScoredMember> Intersect(IKeyspaceView view)
    {
        var result = new List<ScoredMember>();
        if (_inputs.Any(i => i.Count == 0))
        {
            return result;
        }
        var order = SmallestFirst();
        var smallest = order[0];
        foreach (var member in Members(view, _inputs[smallest]))
        {
            var score = Weighted(member.Score, smallest);
            var inAll = true;
            for (var k = 1; k < order.Count && inAll; k++)
            {
                var i = order[k];
                if (ScoreIn(view, _inputs[i], member.Member) is { } other)
                {
                    // Redis turns only the first set's inf × 0 into 0; here a NaN reaches the
                    // aggregate (SUM makes it 0 — wiping what was summed before, which is why
                    // the order matters —, MIN and MAX keep the score so far).
                    score = Combine(score, other * _weights[i]);
                }
                else
                {
                    inAll = false;
                }
            }
            if (inAll)
            {
                result.Add(new ScoredMember(member.Member, score));
                if (Limit > 0 && result.Count >= Limit)
                {
                    break;
                }
            }
        }
        return result;
    }

    /// <summary>
    /// The inputs' indexes from the smallest to the largest, ties in the order given: Redis sorts
    /// its inputs so (glibc's qsort is a stable merge sort), and the order is visible — floating
    /// point sums depend on it, and a NaN in SUM resets the score to 0 at the point it appears.
    /// </summary>
    private List<int> SmallestFirst() => [.. Enumerable.Range(0, _inputs.Count).OrderBy(i => _inputs[i].Count)];

    private List<ScoredMember> Difference(IKeyspaceView view) =>
        [.. Members(view, _inputs[0]).Where(m => !_inputs.Skip(1).Any(input => input.Count > 0 && ScoreIn(view, input, m.Member) is not null))];

    private static IEnumerable<ScoredMember> Members(IKeyspaceView view, Input input)
    {
        if (input.Count == 0)
        {
            return [];
        }
        return input.Type == DataType.Set
            ? NamedElements.Names(view, input.Id).Select(m => new ScoredMember(m, 1))
            : SortedSetReads.ByRank(view, input.Id, 0, input.Count - 1, reverse: false);
    }

    private static double? ScoreIn(IKeyspaceView view, Input input, byte[] member) => input.Type == DataType.Set
        ? ElementReads.HasNamed(view, input.Id, member) ? 1 : null
        : SortedSetReads.Score(view, input.Id, member);

    /// <summary>Redis turns the NaN of inf × 0 into 0.</summary>
    private double Weighted(double score, int input) => score * _weights[input] is var weighted && double.IsNaN(weighted) ? 0 : weighted;

    /// <summary>Redis's zunionInterAggregate: the NaN of inf + −inf becomes 0; MIN and MAX compare as C does (a NaN never wins).</summary>
    private double Combine(double current, double next) => _aggregate switch
    {
        Aggregate.Min => next < current ? next : current,
        Aggregate.Max => next > current ? next : current,
        _ => current + next is var sum && double.IsNaN(sum) ? 0 : sum,
    };
}
