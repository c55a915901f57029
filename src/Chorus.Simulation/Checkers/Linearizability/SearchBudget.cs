namespace Chorus.Simulation.Checkers.Linearizability;

/// <summary>
/// How much one key's search may explore before it answers "unknown". The state limit is
/// deterministic (the same history always gets the same answer); the optional time limit is a
/// safety net whose outcome can depend on the machine.
/// </summary>
public sealed record SearchBudget(long StatesMax = 500_000, TimeSpan? TimeMax = null)
{
    public static readonly SearchBudget Default = new();
}
