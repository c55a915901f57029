using Chorus.Compat.Generation.Generators;

namespace Chorus.Compat.Generation;

/// <summary>
/// The command stream of a run: each step comes from a generator chosen by weight, and now and
/// then has its command name in another letter case (Redis ignores case in names).
/// </summary>
internal sealed class CommandMix
{
    private readonly List<(ICommandGenerator Generator, int Weight)> _generators;
    private readonly int _totalWeight;

    public CommandMix(IEnumerable<string> types)
    {
        _generators = [.. types.Distinct().Select(GeneratorRegistry.Find).Select(r => (r.Create(), r.Weight))];
        if (_generators.Count == 0)
        {
            throw new ArgumentException("a run needs at least one generator");
        }
        _totalWeight = _generators.Sum(g => g.Weight);
        var commands = _generators.SelectMany(g => g.Generator.Commands).Where(c => c.Arity != -1).ToList();
        foreach (var errors in _generators.Select(g => g.Generator).OfType<ErrorGenerator>())
        {
            errors.Targets = commands;
        }
    }

    public Step Next(Fuzz fuzz)
    {
        var pick = fuzz.Next(_totalWeight);
        var generator = _generators.First(g => (pick -= g.Weight) < 0).Generator;
        var step = generator.Next(fuzz);
        return fuzz.Chance(0.03) ? step with { Args = [MixCase(fuzz, step.Args[0]), .. step.Args.Skip(1)] } : step;
    }

    /// <summary>The name with some ASCII letters in the other case; other bytes as they are.</summary>
    private static byte[] MixCase(Fuzz fuzz, byte[] name)
    {
        var mixed = name.ToArray();
        for (var i = 0; i < mixed.Length; i++)
        {
            if (char.IsAsciiLetter((char)mixed[i]) && fuzz.Chance(0.5))
            {
                mixed[i] ^= 0x20;
            }
        }
        return mixed;
    }
}
