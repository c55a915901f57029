using Chorus.Compat.Comparison;

namespace Chorus.Compat.Generation.Generators;

/// <summary>Sets: SADD/SREM, membership, SPOP/SRANDMEMBER, SINTER/SUNION/SDIFF.</summary>
internal sealed class SetGenerator : CommandTable
{
    public override string Name => "sets";

    protected override IReadOnlyList<CommandCase> Build() =>
    [
        new("SADD", -3, 8, f => Step.OnKey(ReplyChecks.Exact, "SADD", f.Key(), f.Elements(4))),
        new("SREM", -3, 3, f => Step.OnKey(ReplyChecks.Exact, "SREM", f.Key(), f.Elements(3))),
        new("SCARD", 2, 2, f => Step.OnKey(ReplyChecks.Exact, "SCARD", f.Key())),
        new("SISMEMBER", 3, 3, f => Step.OnKey(ReplyChecks.Exact, "SISMEMBER", f.Key(), f.Element())),
        new("SMISMEMBER", -3, 2, f => Step.OnKey(ReplyChecks.Exact, "SMISMEMBER", f.Key(), f.Elements(4))),
        new("SMEMBERS", 2, 3, f => Step.OnKey(ReplyChecks.Unordered, "SMEMBERS", f.Key())),
        new("SPOP", -2, 2, f => f.Chance(0.5)
            ? Step.OnKey(PopCheck.Instance, "SPOP", f.Key())
            : Step.OnKey(PopCheck.Instance, "SPOP", f.Key(), f.CountText())),
        new("SRANDMEMBER", -2, 2, f => f.Chance(0.3)
            ? Step.OnKey(new RandomElementsCheck(RandomElementsCheck.Source.SetMembers), "SRANDMEMBER", f.Key())
            : Step.OnKey(new RandomElementsCheck(RandomElementsCheck.Source.SetMembers), "SRANDMEMBER", f.Key(), f.CountText())),
        new("SINTER", -2, 2, f => Algebra(f, "SINTER")),
        new("SUNION", -2, 2, f => Algebra(f, "SUNION")),
        new("SDIFF", -2, 2, f => Algebra(f, "SDIFF")),
    ];

    private static Step Algebra(Fuzz f, string command)
    {
        var keys = f.Keys(3);
        return Step.OnKeys(keys, ReplyChecks.Unordered, command, keys);
    }
}
