using Chorus.Simulation.History;

namespace Chorus.Simulation.Checkers.Linearizability;

/// <summary>
/// An operation as seen by one key: a single-key operation as it is, an MGET reduced to the one
/// key's value. Indeterminate operations return at "infinity": they may take effect at any time
/// after their invocation, or never.
/// </summary>
internal readonly record struct KeyOp(Operation Source, OpKind Kind, string? Input, string? Output, long? Integer, bool? Applied, bool Indeterminate, long CallUs, long ReturnUs)
{
    /// <summary>For APPEND: how many more bytes than the model's list the reply may count (writes left out of the search).</summary>
    public long LengthSlack { get; init; }

    public static KeyOp? Project(Operation op, string key)
    {
        var index = IndexOf(op.Keys, key);
        // The model knows registers, lists and counters; a nondeterministic write is judged by convergence only.
        if (index < 0 || op.Kind == OpKind.Nondeterministic || op.Outcome == OpOutcome.Failed || (op.Outcome == OpOutcome.Indeterminate && op.IsRead))
        {
            return null;
        }
        var indeterminate = op.Outcome == OpOutcome.Indeterminate;
        var kind = op.Kind == OpKind.MultiRead ? OpKind.Read : op.Kind;
        var output = op.IsRead ? op.Values[index] : null;
        return new KeyOp(op, kind, op.Value, output, op.Integer, op.Applied, indeterminate, op.InvokedUs, indeterminate ? long.MaxValue : op.CompletedUs);
    }

    private static int IndexOf(IReadOnlyList<string> keys, string key)
    {
        for (var i = 0; i < keys.Count; i++)
        {
            if (keys[i] == key)
            {
                return i;
            }
        }
        return -1;
    }
}
