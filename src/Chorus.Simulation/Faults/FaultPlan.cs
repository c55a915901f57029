using Chorus.Simulation.Engine;

namespace Chorus.Simulation.Faults;

/// <summary>
/// What faults a run gets: a profile name (a random schedule drawn from the run's seed) or a
/// script (the same schedule for every seed). <see cref="Spec"/> is what the user wrote.
/// </summary>
public sealed class FaultPlan
{
    private FaultPlan(string spec, FaultProfile? profile, IReadOnlyList<ScheduledFault>? script)
    {
        Spec = spec;
        Profile = profile;
        Script = script;
    }

    public string Spec { get; }

    public FaultProfile? Profile { get; }

    public IReadOnlyList<ScheduledFault>? Script { get; }

    /// <summary>Whether some node may lose power (and with it whatever was not fsynced).</summary>
    public bool CrashesNodes => Profile?.CrashWeight > 0 || Script?.Any(f => f.Fault is CrashFault) == true;

    /// <summary>A profile name ("none", "network", "crash", "pause", "clock", "chaos") or a script ("at 2s crash n1; ...").</summary>
    public static FaultPlan Parse(string spec)
    {
        var trimmed = spec.Trim();
        var profile = FaultProfile.Find(trimmed);
        if (profile is not null)
        {
            return new FaultPlan(trimmed, profile, null);
        }
        if (!trimmed.StartsWith("at ", StringComparison.Ordinal))
        {
            throw new FormatException($"'{spec}' is neither a fault profile ({string.Join(", ", FaultProfile.All.Select(p => p.Name))}) nor a script ('at 2s crash n1; at 4s restart n1')");
        }
        return new FaultPlan(trimmed, null, FaultScript.Parse(trimmed));
    }

    /// <summary>The schedule for one run; a profile draws it from <paramref name="random"/>.</summary>
    public IReadOnlyList<ScheduledFault> Schedule(SimRandom random, IReadOnlyList<string> nodes, long durationMs)
    {
        var schedule = Script ?? RandomFaultSchedule.Generate(Profile!, random, nodes, durationMs);
        var unknown = schedule.SelectMany(f => f.Fault.Nodes).FirstOrDefault(n => !nodes.Contains(n));
        if (unknown is not null)
        {
            throw new FormatException($"the fault schedule names '{unknown}', which is not a node of this cluster ({string.Join(", ", nodes)})");
        }
        return schedule;
    }
}
