namespace Chorus.Simulation.Checkers;

public enum Verdict
{
    Pass,
    Fail,

    /// <summary>The checker ran out of budget before it could decide (it never guesses).</summary>
    Unknown,

    /// <summary>The history has nothing this checker can judge (e.g. session guarantees over counters).</summary>
    NotApplicable,
}

/// <summary>One anomaly found, with the operations that show it.</summary>
public sealed record Violation(string Check, string Description, IReadOnlyList<int> Operations)
{
    public override string ToString() => Description;
}

/// <summary>What one checker concluded about one run.</summary>
public sealed record CheckResult(string Check, Verdict Verdict, IReadOnlyList<Violation> Violations)
{
    /// <summary>Parts the checker could not decide (keys whose search ran out of budget).</summary>
    public int Unknowns { get; init; }

    public string? Note { get; init; }

    /// <summary>Named counts a checker reports besides its violations (e.g. lost writes by how they were lost); summed over a campaign.</summary>
    public IReadOnlyDictionary<string, long> Counts { get; init; } = new Dictionary<string, long>(StringComparer.Ordinal);

    public static CheckResult From(string check, IReadOnlyList<Violation> violations, int unknowns = 0) =>
        new(check, violations.Count > 0 ? Verdict.Fail : unknowns > 0 ? Verdict.Unknown : Verdict.Pass, violations) { Unknowns = unknowns };

    /// <summary>
    /// Why a session check has nothing to judge: it reads states as lists that only grow, and a
    /// register's overwrite or a counter's sum is not such a list.
    /// </summary>
    public const string NeedsListAppend = "needs a list-append history (workloads list-append, sessions)";

    public static CheckResult NotApplicable(string check, string why) =>
        new(check, Verdict.NotApplicable, []) { Note = why };
}
