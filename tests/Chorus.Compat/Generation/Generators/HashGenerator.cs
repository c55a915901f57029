using Chorus.Compat.Comparison;

namespace Chorus.Compat.Generation.Generators;

/// <summary>Hashes: HSET/HMSET/HSETNX, reads, HINCRBY/HINCRBYFLOAT, HRANDFIELD.</summary>
internal sealed class HashGenerator : CommandTable
{
    public override string Name => "hashes";

    protected override IReadOnlyList<CommandCase> Build() =>
    [
        new("HSET", -4, 6, f => FieldValues(f, "HSET")),
        new("HMSET", -4, 1, f => FieldValues(f, "HMSET")),
        new("HSETNX", 4, 2, f => Step.OnKey(ReplyChecks.Exact, "HSETNX", f.Key(), f.Element(), f.Value())),
        new("HGET", 3, 4, f => Step.OnKey(ReplyChecks.Exact, "HGET", f.Key(), f.Element())),
        new("HMGET", -3, 2, f => Step.OnKey(ReplyChecks.Exact, "HMGET", f.Key(), f.Elements(4))),
        new("HGETALL", 2, 2, f => Step.OnKey(ReplyChecks.UnorderedPairs, "HGETALL", f.Key())),
        new("HKEYS", 2, 1, f => Step.OnKey(ReplyChecks.Unordered, "HKEYS", f.Key())),
        new("HVALS", 2, 1, f => Step.OnKey(ReplyChecks.Unordered, "HVALS", f.Key())),
        new("HDEL", -3, 3, f => Step.OnKey(ReplyChecks.Exact, "HDEL", f.Key(), f.Elements(3))),
        new("HEXISTS", 3, 2, f => Step.OnKey(ReplyChecks.Exact, "HEXISTS", f.Key(), f.Element())),
        new("HLEN", 2, 2, f => Step.OnKey(ReplyChecks.Exact, "HLEN", f.Key())),
        new("HSTRLEN", 3, 1, f => Step.OnKey(ReplyChecks.Exact, "HSTRLEN", f.Key(), f.Element())),
        new("HINCRBY", 4, 3, f => Step.OnKey(ReplyChecks.Exact, "HINCRBY", f.Key(), f.Element(), f.IntegerText())),
        new("HINCRBYFLOAT", 4, 3, f => Step.OnKey(ReplyChecks.Exact, "HINCRBYFLOAT", f.Key(), f.Element(), f.FloatText())),
        new("HRANDFIELD", -2, 2, RandomField),
    ];

    /// <summary>Field-value pairs; now and then a field without its value (wrong arity).</summary>
    private static Step FieldValues(Fuzz f, string command)
    {
        var args = new List<object> { command, f.Key() };
        foreach (var field in f.Elements(3))
        {
            args.Add(field);
            args.Add(f.Value());
        }
        if (f.Chance(0.08))
        {
            args.RemoveAt(args.Count - 1);
        }
        return Step.OnKey(ReplyChecks.Exact, [.. args]);
    }

    private static Step RandomField(Fuzz f)
    {
        var check = new RandomElementsCheck(RandomElementsCheck.Source.HashFields);
        return f.Next(4) switch
        {
            0 => Step.OnKey(check, "HRANDFIELD", f.Key()),
            1 => Step.OnKey(check, "HRANDFIELD", f.Key(), f.CountText()),
            2 => Step.OnKey(check, "HRANDFIELD", f.Key(), f.CountText(), f.Chance(0.9) ? "WITHVALUES" : f.Pick("withvalues", "WITHVALUE", "")),
            _ => Step.OnKey(check, "HRANDFIELD", f.Key(), f.CountText(), "WITHVALUES", "extra"),
        };
    }
}
