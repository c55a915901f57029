using System.Globalization;
using Chorus.Compat.Generation;

namespace Chorus.Compat.Running;

/// <summary>What a differential run does: which seeds, how many commands each, which generators, which protocol.</summary>
internal sealed record RunOptions
{
    public IReadOnlyList<int> Seeds { get; init; } = [1];

    public int Commands { get; init; } = 1000;

    /// <summary>Generator names (see <see cref="GeneratorRegistry"/>); the default run's when not given.</summary>
    public IReadOnlyList<string> Types { get; init; } = GeneratorRegistry.DefaultTypes;

    /// <summary>2 or 3 for every seed; 0 for mixed (odd seeds RESP3, even seeds RESP2).</summary>
    public int Protocol { get; init; }

    /// <summary>Commands sent in one pipeline (a check that needs follow-up commands ends its pipeline early).</summary>
    public int PipelineMax { get; init; } = 32;

    /// <summary>Where to print every command and both replies, or null.</summary>
    public TextWriter? Trace { get; init; }

    public int ProtocolFor(int seed) => Protocol != 0 ? Protocol : (seed & 1) == 1 ? 3 : 2;

    /// <summary>The command line that replays <paramref name="seed"/> up to command <paramref name="commands"/>.</summary>
    public string ReproduceLine(int seed, int commands) =>
        string.Create(CultureInfo.InvariantCulture,
            $"scripts/differential.sh --seed {seed} --commands {commands} --types {string.Join(',', Types)} --resp {ProtocolFor(seed)} --trace");
}
