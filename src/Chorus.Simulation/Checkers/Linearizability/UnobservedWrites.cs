using Chorus.Simulation.History;
using Chorus.Simulation.Workloads;

namespace Chorus.Simulation.Checkers.Linearizability;

/// <summary>
/// Leaves out of the search the indeterminate writes no operation ever observed. Such a write may
/// be taken never to have happened: every linearization without it is one of the history. Each
/// one otherwise doubles the configurations to explore (it may land anywhere, or nowhere), which
/// is what makes histories with many timeouts intractable.
/// <para>
/// It is sound for lists and registers: nothing reads an unobserved value. The one trace such a
/// write can leave is in APPEND's reply (the new length), so appends get a length slack of the
/// bytes left out. Registers with SET NX keep theirs (a failed SET NX observes "present").
/// Counters keep theirs (increments have no identity to observe).
/// </para>
/// </summary>
internal static class UnobservedWrites
{
    public static List<KeyOp> Prune(List<KeyOp> ops)
    {
        if (ops.Any(o => o.Kind is OpKind.Increment or OpKind.SetIfAbsent))
        {
            return ops;
        }
        var observed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var read in ops.Where(o => o.Kind == OpKind.Read && o.Output is not null))
        {
            if (ops.Any(o => o.Kind == OpKind.Append))
            {
                observed.UnionWith(AppendList.Parse(read.Output));
            }
            else
            {
                observed.Add(read.Output!);
            }
        }
        var unobserved = ops.Where(o => o.Indeterminate && o.Input is not null && !observed.Contains(o.Input)).ToList();
        if (unobserved.Count == 0)
        {
            return ops;
        }
        var slack = unobserved.Where(o => o.Kind == OpKind.Append).Sum(o => (long)AppendList.Encode(o.Input!).Length);
        var left = new HashSet<int>(unobserved.Select(o => o.Source.Id));
        return [.. ops.Where(o => !left.Contains(o.Source.Id)).Select(o => o.Kind == OpKind.Append ? o with { LengthSlack = slack } : o)];
    }
}
