using Chorus.Compat.Comparison;

namespace Chorus.Compat.Generation.Generators;

/// <summary>
/// Requests every server must refuse the same way: the commands of the other generators in the
/// run with a wrong number of arguments, and commands that do not exist. (Wrong types, bad
/// numbers and bad options come from the data generators themselves.)
/// </summary>
internal sealed class ErrorGenerator : ICommandGenerator
{
    public string Name => "errors";

    public IReadOnlyList<CommandArity> Commands => [];

    /// <summary>The commands to send with a wrong argument count: set by <see cref="CommandMix"/> to the run's other generators' commands.</summary>
    public IReadOnlyList<CommandArity> Targets { get; set; } = [];

    public Step Next(Fuzz fuzz) => Targets.Count > 0 && fuzz.Chance(0.75) ? WrongArity(fuzz) : UnknownCommand(fuzz);

    private Step WrongArity(Fuzz f)
    {
        var target = f.Pick(Targets);
        var argumentCount = target.Arity > 0
            ? (f.Chance(0.5) || target.Arity == 1 ? target.Arity + f.Between(1, 3) : f.Between(1, target.Arity))
            : f.Between(1, -target.Arity);
        var args = new List<object> { target.Name };
        while (args.Count < argumentCount)
        {
            args.Add(f.Chance(0.5) ? f.Key() : f.Value());
        }
        return Step.OnKeys(args.Count > 1 && args[1] is byte[] key ? [key] : [], ReplyChecks.Exact, [.. args]);
    }

    private static Step UnknownCommand(Fuzz f)
    {
        object name = f.Next(4) switch
        {
            0 => f.Pick("GETT", "FOO", "SETT", "HGETT", "X"),
            1 => f.Binary(f.Between(1, 6)),
            2 => "",
            _ => new string('Z', f.Between(100, 200)),
        };
        var args = new List<object> { name };
        for (var i = f.Next(4); i > 0; i--)
        {
            args.Add(f.Value());
        }
        return Step.OnKeys([], ReplyChecks.Exact, [.. args]);
    }
}
