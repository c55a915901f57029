using Chorus.Core;
using Chorus.Node;
using Chorus.Replication.SingleLeader;
using Chorus.Simulation.Engine;
using Chorus.Simulation.Faults;
using Chorus.Simulation.Network;
using Chorus.Simulation.Nodes;

namespace Chorus.Simulation.Cluster;

/// <summary>Carries out faults on the cluster, and repairs everything at the end of a run.</summary>
internal sealed class FaultInjector(SimCluster cluster, Scheduler scheduler, SimRandom random, TraceLog trace)
{
    public int Crashes { get; private set; }

    public void Schedule(IEnumerable<ScheduledFault> faults)
    {
        foreach (var fault in faults)
        {
            scheduler.At(fault.AtMs * 1000, () => Apply(fault.Fault));
        }
    }

    public void Apply(Fault fault)
    {
        if (trace.Enabled)
        {
            trace.Add(scheduler.NowUs, "***", fault.ToScript());
        }
        switch (fault)
        {
            case PartitionFault partition:
                cluster.Network.Partition([.. partition.Groups.Select(g => (IReadOnlyList<NodeId>)[.. g.Select(n => new NodeId(n))])]);
                break;
            case CutFault cut:
                cluster.Network.Cut(new NodeId(cut.From), new NodeId(cut.To));
                break;
            case HealFault:
                foreach (var (from, to) in cluster.Network.Heal())
                {
                    cluster.ConnectLater(from, to);
                }
                break;
            case FlakyFault flaky:
                cluster.Network.SetFlaky(new LinkProfile(new LatencyDistribution(0, 0), flaky.DropPercent / 100.0, flaky.DuplicatePercent / 100.0, flaky.ReorderPercent / 100.0));
                break;
            case StableFault:
                cluster.Network.SetFlaky(null);
                break;
            case FailoverFault failover:
                Failover(new NodeId(failover.Target));
                break;
            default:
                ApplyToNode(fault);
                break;
        }
    }

    /// <summary>End of the run: every link heals, every node runs again.</summary>
    public void RepairAll()
    {
        Apply(new HealFault());
        Apply(new StableFault());
        foreach (var node in cluster.Nodes)
        {
            node.StarvedRoundGapUs = null;
            if (node.State == NodeState.Paused)
            {
                Apply(new ResumeFault(node.Id.Value));
            }
            else if (node.State == NodeState.Down)
            {
                Apply(new RestartFault(node.Id.Value));
            }
        }
    }

    private void ApplyToNode(Fault fault)
    {
        var node = cluster[new NodeId(fault.Nodes.Single())];
        switch (fault)
        {
            case CrashFault when node.State != NodeState.Down:
                Crashes++;
                var lost = node.Crash();
                Note(node, $"power lost: {lost} unsynced storage operations gone");
                break;
            case RestartFault when node.State == NodeState.Down:
                cluster.Start(node);
                break;
            case PauseFault pause:
                node.Pause();
                if (pause.ForMs is { } ms)
                {
                    scheduler.After(ms * 1000, () => Apply(new ResumeFault(node.Id.Value)));
                }
                break;
            case ResumeFault:
                node.Resume();
                break;
            case StarveFault starve:
                Starve(node, starve);
                break;
            case SkewFault skew:
                node.Clock.Skew(skew.OffsetMs * 1000);
                Note(node, node.Clock.Describe(scheduler.NowUs));
                break;
            case DriftFault drift:
                node.Clock.Drift(drift.Ppm, scheduler.NowUs);
                Note(node, node.Clock.Describe(scheduler.NowUs));
                break;
        }
    }

    /// <summary>FAILOVER TO the target, run by the operator on the node that leads now (nothing happens without one).</summary>
    private void Failover(NodeId target)
    {
        if (cluster.CurrentLeader is not { } leader)
        {
            return;
        }
        var done = new TaskCompletionSource<string?>();
        leader.Post(new AdminInput(core => ((SingleLeaderCore)core).TransferLeadership(target, FailoverTimeoutMs) is var result && result == ControlResult.Done ? null : result.ToString(), done));
        Note(leader, $"operator: FAILOVER TO {target}");
    }

    /// <summary>As FAILOVER without TIMEOUT (Chorus.Server's default).</summary>
    private const long FailoverTimeoutMs = 30_000;

    /// <summary>Each round of a starved node is followed by a gap of up to the fault's maximum (uniform), drawn from the run's random source.</summary>
    private void Starve(SimNode node, StarveFault starve)
    {
        var gapMaxUs = starve.GapMaxMs * 1000;
        node.StarvedRoundGapUs = gapMaxUs <= 0 ? null : () => random.Between(gapMaxUs / 2, gapMaxUs + 1);
        if (starve.ForMs is { } ms)
        {
            scheduler.After(ms * 1000, () => Apply(new StarveFault(node.Id.Value, 0)));
        }
    }

    private void Note(SimNode node, string text)
    {
        if (trace.Enabled)
        {
            trace.Add(scheduler.NowUs, node.Id.Value, text);
        }
    }
}
