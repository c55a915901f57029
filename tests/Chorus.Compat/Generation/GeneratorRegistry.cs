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
        new("sets", Weight: 4, InDefaultRun: true, () => new SetGenerator()),
        new("lists", Weight: 4, InDefaultRun: true, () => new ListGenerator()),
        new("zsets", Weight: 4, InDefaultRun: true, () => new SortedSetGenerator()),
        new("bitmaps", Weight: 2, InDefaultRun: true, () => new BitmapGenerator()),
        new("databases", Weight: 2, InDefaultRun: true, () => new DatabaseGenerator()),
        new("server", Weight: 1, InDefaultRun: true, () => new ServerGenerator()),
        new("config", Weight: 1, InDefaultRun: true, () => new ConfigGenerator()),
        new("errors", Weight: 1, InDefaultRun: true, () => new ErrorGenerator()),
        new("transactions", Weight: 2, InDefaultRun: true, () => new TransactionGenerator()),
        new("blocking", Weight: 1, InDefaultRun: true, () => new BlockingGenerator()),
        new("scripts", Weight: 2, InDefaultRun: true, () => new ScriptGenerator()),
        new("streams", Weight: 3, InDefaultRun: true, () => new StreamGenerator()),
        new("functions", Weight: 2, InDefaultRun: true, () => new FunctionGenerator()),
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
