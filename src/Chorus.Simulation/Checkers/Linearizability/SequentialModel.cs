using System.Globalization;
using Chorus.Simulation.History;
using Chorus.Simulation.Workloads;

namespace Chorus.Simulation.Checkers.Linearizability;

/// <summary>
/// The sequential specification of one key: its initial state and what each operation does to
/// it. <see cref="Step"/> fails when the operation's observed result is impossible in the
/// state. States are strings so the search can compare and memoise them.
/// </summary>
internal abstract class SequentialModel
{
    public abstract string Name { get; }

    public abstract string? Initial { get; }

    public abstract bool Step(string? state, in KeyOp op, out string? next);

    /// <summary>The model for a key, from the operations on it.</summary>
    public static SequentialModel For(IReadOnlyList<KeyOp> ops) =>
        ops.Any(o => o.Kind == OpKind.Append) ? new AppendModel()
        : ops.Any(o => o.Kind == OpKind.Increment) ? new CounterModel()
        : new RegisterModel();
}

/// <summary>A register: GET returns the last value set (nil before any); SET NX sets only an absent key.</summary>
internal sealed class RegisterModel : SequentialModel
{
    public override string Name => "register";

    public override string? Initial => null;

    public override bool Step(string? state, in KeyOp op, out string? next)
    {
        next = state;
        switch (op.Kind)
        {
            case OpKind.Read:
                return op.Output == state;
            case OpKind.Write:
                next = op.Input;
                return true;
            case OpKind.SetIfAbsent when op.Indeterminate:
                next = state ?? op.Input;
                return true;
            case OpKind.SetIfAbsent when op.Applied == true:
                next = op.Input;
                return state is null;
            case OpKind.SetIfAbsent:
                return state is not null;
            default:
                return false;
        }
    }
}

/// <summary>A list built by APPEND: GET returns every token appended so far, in order; APPEND returns the new length.</summary>
internal sealed class AppendModel : SequentialModel
{
    public override string Name => "list";

    public override string? Initial => "";

    public override bool Step(string? state, in KeyOp op, out string? next)
    {
        next = state;
        switch (op.Kind)
        {
            case OpKind.Read:
                return (op.Output ?? "") == state;
            case OpKind.Append:
                next = state + AppendList.Encode(op.Input!);
                return op.Indeterminate || (op.Integer >= next.Length && op.Integer <= next.Length + op.LengthSlack);
            default:
                return false;
        }
    }
}

/// <summary>A counter: INCR returns the new value; GET returns the value (nil is 0).</summary>
internal sealed class CounterModel : SequentialModel
{
    public override string Name => "counter";

    public override string? Initial => "0";

    public override bool Step(string? state, in KeyOp op, out string? next)
    {
        next = state;
        var value = long.Parse(state!, CultureInfo.InvariantCulture);
        switch (op.Kind)
        {
            case OpKind.Read:
                return (op.Output ?? "0") == state;
            case OpKind.Increment:
                next = (value + 1).ToString(CultureInfo.InvariantCulture);
                return op.Indeterminate || op.Integer == value + 1;
            default:
                return false;
        }
    }
}
