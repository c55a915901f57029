using Chorus.Compat.Comparison;

namespace Chorus.Compat.Generation.Generators;

/// <summary>
/// MULTI, EXEC, DISCARD, WATCH and UNWATCH, mixed into the other families' commands: what comes
/// between a MULTI and its EXEC is queued, so transactions of every shape appear (empty, with
/// run-time errors, with commands refused while queuing, nested MULTI, EXEC without MULTI,
/// WATCH inside MULTI, watched keys changed by the same connection, by FLUSHDB or SWAPDB, or
/// not at all). The run compares EXEC's replies element by element with each queued command's
/// check (<see cref="Running.TransactionTracker"/>).
/// </summary>
internal sealed class TransactionGenerator : CommandTable
{
    public override string Name => "transactions";

    protected override IReadOnlyList<CommandCase> Build() =>
    [
        new("MULTI", 1, 4, _ => Step.OnKeys([], ReplyChecks.Exact, "MULTI")),
        new("EXEC", 1, 3, _ => Step.OnEveryKey(ReplyChecks.Exact, "EXEC")),
        new("DISCARD", 1, 1, _ => Step.OnKeys([], ReplyChecks.Exact, "DISCARD")),
        new("WATCH", -2, 3, f =>
        {
            var keys = f.Keys(3);
            return Step.OnKeys(keys, ReplyChecks.Exact, "WATCH", keys);
        }),
        new("UNWATCH", 1, 1, _ => Step.OnKeys([], ReplyChecks.Exact, "UNWATCH")),
    ];
}
