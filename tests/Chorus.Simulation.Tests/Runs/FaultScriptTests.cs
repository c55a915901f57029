using Chorus.Simulation.Engine;
using Chorus.Simulation.Faults;

namespace Chorus.Simulation.Tests.Runs;

public sealed class FaultScriptTests
{
    [Fact]
    public void The_scripted_format_parses_every_fault_and_prints_back_the_same()
    {
        const string script = "at 2s partition n1 | n2,n3; at 5s heal; at 6s crash n1; at 7s restart n1\n"
            + "at 8s pause n2 for 500ms; at 8500ms resume n2; at 9s skew n3 +200ms; at 9s drift n3 -100ppm # a comment\n"
            + "at 10s cut n1 -> n2; at 11s flaky drop 5% dup 1% reorder 10%; at 12s stable; at 2.5s skew n2 -1500ms";
        var faults = FaultScript.Parse(script);

        Assert.Equal(12, faults.Count);
        Assert.Equal(new ScheduledFault(2000, new PartitionFault([["n1"], ["n2", "n3"]])).ToString(), faults[0].ToString());
        Assert.Equal(new ScheduledFault(2500, new SkewFault("n2", -1500)), faults[1]);
        Assert.Contains(faults, f => f.Fault == new PauseFault("n2", 500));
        Assert.Contains(faults, f => f.Fault == new CutFault("n1", "n2"));
        Assert.Contains(faults, f => f.Fault == new FlakyFault(5, 1, 10));
        Assert.Contains(faults, f => f.Fault == new DriftFault("n3", -100));
        Assert.Equal(FaultScript.Format(faults), FaultScript.Format(FaultScript.Parse(FaultScript.Format(faults))));
    }

    [Theory]
    [InlineData("crash n1")]
    [InlineData("at soon crash n1")]
    [InlineData("at 1s explode n1")]
    [InlineData("at 1s partition n1")]
    [InlineData("at 1s cut n1 n2")]
    public void Malformed_scripts_are_refused_with_a_reason(string script) =>
        Assert.Throws<FormatException>(() => FaultScript.Parse(script));

    [Fact]
    public void A_plan_is_a_profile_name_or_a_script_and_names_only_real_nodes()
    {
        Assert.Equal("chaos", FaultPlan.Parse("chaos").Profile!.Name);
        Assert.True(FaultPlan.Parse("at 1s crash n2; at 2s restart n2").CrashesNodes);
        Assert.False(FaultPlan.Parse("network").CrashesNodes);
        Assert.Throws<FormatException>(() => FaultPlan.Parse("no-such-profile"));
        var plan = FaultPlan.Parse("at 1s crash n4");
        Assert.Throws<FormatException>(() => plan.Schedule(new SimRandom(1), ["n1", "n2", "n3"], 5000));
    }

    [Fact]
    public void A_random_schedule_is_drawn_from_the_seed_and_repairs_what_it_breaks()
    {
        var nodes = new[] { "n1", "n2", "n3" };
        var first = RandomFaultSchedule.Generate(FaultProfile.Chaos, new SimRandom(7), nodes, 20_000);
        var again = RandomFaultSchedule.Generate(FaultProfile.Chaos, new SimRandom(7), nodes, 20_000);
        var other = RandomFaultSchedule.Generate(FaultProfile.Chaos, new SimRandom(8), nodes, 20_000);

        Assert.Equal(FaultScript.Format(first), FaultScript.Format(again));
        Assert.NotEqual(FaultScript.Format(first), FaultScript.Format(other));
        Assert.Equal(first.Count(f => f.Fault is CrashFault), first.Count(f => f.Fault is RestartFault));
        Assert.Equal(first.Count(f => f.Fault is PauseFault), first.Count(f => f.Fault is ResumeFault));
        Assert.Equal(first.Count(f => f.Fault is PartitionFault or CutFault), first.Count(f => f.Fault is HealFault));
        Assert.True(first.Count >= 10, FaultScript.Format(first));
    }
}
