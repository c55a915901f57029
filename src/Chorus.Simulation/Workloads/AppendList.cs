namespace Chorus.Simulation.Workloads;

/// <summary>
/// List-append values: each APPEND adds "token," to a string, so a read of the key reveals every
/// append applied so far, in the order they were applied (Jepsen's list-append, over APPEND).
/// </summary>
public static class AppendList
{
    public const char Separator = ',';

    public static string Encode(string token) => token + Separator;

    /// <summary>The tokens of a value, in order; an absent key is the empty list.</summary>
    public static IReadOnlyList<string> Parse(string? value) =>
        value is null ? [] : value.Split(Separator, StringSplitOptions.RemoveEmptyEntries);
}
