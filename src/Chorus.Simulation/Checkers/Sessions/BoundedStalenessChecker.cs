using System.Globalization;
using Chorus.Simulation.History;

namespace Chorus.Simulation.Checkers.Sessions;

/// <summary>
/// Bounded staleness (docs/consistency.md, <c>bounded &lt;ms&gt;</c>): a read served under a bound
/// of B ms shows no state older than B ms before it began — every append acknowledged (to any
/// client) before <c>invoked − B</c>, in simulated time, is in the list it read. Judged only from
/// what clients observed (list contents, invocation and completion times), never from the nodes'
/// own staleness measurements, which this checks. Reads a node held back as too stale are counted
/// (<see cref="HeldBackTooStale"/>), as are reads that every node refused until the client gave up
/// (<see cref="ReadsFailed"/>): a refusal is the guarantee doing its job, and the counts show its cost.
/// </summary>
public static class BoundedStalenessChecker
{
    public const string ReadsServed = "reads-served";
    public const string ReadsFailed = "reads-failed";
    public const string HeldBackTooStale = "held-back-too-stale";
    public const string FollowerReadsServed = "follower-reads-served";
    public const string FollowerHeldBackTooStale = "follower-held-back-too-stale";

    /// <param name="boundMs">The bound every read carried (negative: reads carry none, not applicable).</param>
    /// <param name="gates">What the nodes' read gates did (summed over the nodes).</param>
    public static CheckResult Check(OperationHistory history, long boundMs, BoundedReadCounts gates)
    {
        if (boundMs < 0)
        {
            return CheckResult.NotApplicable(CheckNames.BoundedStaleness, "reads carry no staleness bound (mode failover-bounded-follower-reads does)");
        }
        var observations = new AppendObservations(history);
        if (observations.IsEmpty)
        {
            return CheckResult.NotApplicable(CheckNames.BoundedStaleness, CheckResult.NeedsListAppend);
        }
        var acked = AckedByKey(history, observations);
        var violations = new List<Violation>();
        foreach (var read in observations.Reads)
        {
            var cutoffUs = read.Op.InvokedUs - (boundMs * 1000);
            foreach (var key in read.Keys)
            {
                if (FirstMissing(read, acked[key], cutoffUs) is { } missing)
                {
                    var write = observations.Append(missing);
                    var agoMs = (read.Op.InvokedUs - write.CompletedUs) / 1000.0;
                    violations.Add(new Violation(
                        CheckNames.BoundedStaleness,
                        string.Create(CultureInfo.InvariantCulture, $"a read under a {boundMs} ms bound does not show {write.Value}, acknowledged {agoMs:F1} ms before the read began: {write} then {read.Op}"),
                        [write.Id, read.Op.Id]));
                    break;
                }
            }
        }
        return CheckResult.From(CheckNames.BoundedStaleness, violations) with
        {
            Counts = new Dictionary<string, long>(StringComparer.Ordinal)
            {
                [ReadsServed] = observations.Reads.Count,
                [ReadsFailed] = history.Operations.LongCount(o => o.IsRead && o.Outcome == OpOutcome.Failed),
                [HeldBackTooStale] = gates.HeldBackTooStale,
                [FollowerReadsServed] = gates.FollowerServed,
                [FollowerHeldBackTooStale] = gates.FollowerHeldBackTooStale,
            },
        };
    }

    /// <summary>Per key, its acknowledged appends in order of acknowledgement: (completed at, append index).</summary>
    private static List<(long CompletedUs, int Append)>[] AckedByKey(OperationHistory history, AppendObservations observations)
    {
        var acked = Enumerable.Range(0, observations.KeyCount).Select(_ => new List<(long, int)>()).ToArray();
        foreach (var op in history.Operations.Where(o => o.Kind == OpKind.Append && o.IsAcknowledgedWrite))
        {
            if (observations.AppendIndex(op.Value!) is { } append && observations.Append(append).Id == op.Id)
            {
                acked[observations.AppendKey(append)].Add((op.CompletedUs, append));
            }
        }
        foreach (var list in acked)
        {
            list.Sort();
        }
        return acked;
    }

    /// <summary>The first append acknowledged before <paramref name="cutoffUs"/> that the read does not show, if any.</summary>
    private static int? FirstMissing(ReadView read, List<(long CompletedUs, int Append)> acked, long cutoffUs)
    {
        foreach (var (completedUs, append) in acked)
        {
            if (completedUs >= cutoffUs)
            {
                return null;
            }
            if (read.PositionOf(append) < 0)
            {
                return append;
            }
        }
        return null;
    }
}

/// <summary>
/// What the nodes' read gates did with bounded reads, summed over the nodes: held back as too
/// stale anywhere; and at followers (nodes not leading when they answered), served and held back.
/// </summary>
public readonly record struct BoundedReadCounts(long HeldBackTooStale, long FollowerServed, long FollowerHeldBackTooStale);
