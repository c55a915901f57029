namespace Chorus.Compat.Generation;

/// <summary>
/// Makes random commands of one family (a data type, errors, server commands). A generator
/// holds no state between calls: the same random choices give the same commands, whatever the
/// servers answered, so a seed replays exactly.
/// </summary>
internal interface ICommandGenerator
{
    /// <summary>The family's name on the command line (--types strings,hashes).</summary>
    string Name { get; }

    /// <summary>Every command it sends, with Redis's arity, for the wrong-arity cases of <see cref="Generators.ErrorGenerator"/>.</summary>
    IReadOnlyList<CommandArity> Commands { get; }

    Step Next(Fuzz fuzz);
}

/// <summary>A command's name and Redis's arity: N means exactly N arguments (name included), -N at least N.</summary>
internal readonly record struct CommandArity(string Name, int Arity);

/// <summary>
/// A generator written as a table: each command with its arity, a weight, and how to build it.
/// </summary>
internal abstract class CommandTable : ICommandGenerator
{
    private IReadOnlyList<CommandCase>? _cases;
    private int _totalWeight;

    public abstract string Name { get; }

    public IReadOnlyList<CommandArity> Commands => [.. Cases.Select(c => new CommandArity(c.Name, c.Arity)).Distinct()];

    protected abstract IReadOnlyList<CommandCase> Build();

    private IReadOnlyList<CommandCase> Cases => _cases ??= Build();

    public Step Next(Fuzz fuzz)
    {
        if (_totalWeight == 0)
        {
            _totalWeight = Cases.Sum(c => c.Weight);
        }
        var pick = fuzz.Next(_totalWeight);
        foreach (var candidate in Cases)
        {
            pick -= candidate.Weight;
            if (pick < 0)
            {
                return candidate.Make(fuzz);
            }
        }
        throw new InvalidOperationException("weights do not add up");
    }
}

/// <summary>One row of a <see cref="CommandTable"/>.</summary>
internal sealed record CommandCase(string Name, int Arity, int Weight, Func<Fuzz, Step> Make);
