using Chorus.Compat.Generation.Generators;

namespace Chorus.Compat.Generation;

/// <summary>
/// Every command family the differential run knows. To cover a new data type, write one
/// generator (a <see cref="CommandTable"/>, see Generators/) and add one line here.
/// </summary>
internal static class GeneratorRegistry
{
    public static IReadOnlyList<Registration> All { get; } =
    [
        new("strings", Weight: 5, InDefaultRun: true, () => new StringGenerator()),
        new("keys", Weight: 3, InDefaultRun: true, () => new KeyGenerator()),
        new("expiry", Weight: 3, InDefaultRun: true, () => new ExpiryGenerator()),
        new("hashes", Weight: 4, InDefaultRun: true, () => new HashGenerator()),
        // Out of the default run until branch `data` (the new set storage) merges: SPOP with a
        // count that is not an integer answers "value is not an integer or out of range" where
        // Redis answers "value is out of range, must be positive" (--types ...,sets shows it).
        new("sets", Weight: 4, InDefaultRun: false, () => new SetGenerator()),
        new("server", Weight: 1, InDefaultRun: true, () => new ServerGenerator()),
        new("config", Weight: 1, InDefaultRun: true, () => new ConfigGenerator()),
        new("errors", Weight: 1, InDefaultRun: true, () => new ErrorGenerator()),
    ];

    public static IReadOnlyList<string> DefaultTypes => [.. All.Where(r => r.InDefaultRun).Select(r => r.Name)];

    public static Registration Find(string name) =>
        All.FirstOrDefault(r => r.Name == name)
        ?? throw new ArgumentException($"no generator '{name}'; known: {string.Join(", ", All.Select(r => r.Name))}");
}

/// <summary>
/// A generator's entry: its share of the commands (relative weight), and whether `dotnet test`
/// and the long run include it when no --types are given.
/// </summary>
internal sealed record Registration(string Name, int Weight, bool InDefaultRun, Func<ICommandGenerator> Create);
