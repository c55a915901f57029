using Chorus.Simulation.Checkers.Sessions;
using Chorus.Simulation.History;

namespace Chorus.Cli.Lab.Scenarios;

/// <summary>
/// What the session-guarantee scenarios (the lost comment, time moving backwards) share: a run
/// of list appends and reads at followers, judged by the simulator's session checker, measured
/// the same way.
/// </summary>
internal static class SessionRun
{
    public static LabRun Measure(string variant, string setting, LabRecorder recorder, long durationUs, string checkName, string anomalyLabel)
    {
        var history = recorder.History();
        var check = SessionChecker.Check(history).Single(c => c.Check == checkName);
        var byId = history.Operations.ToDictionary(o => o.Id);
        var reads = history.Operations.Where(o => o.IsRead).ToList();
        var answered = reads.Where(o => o.Outcome == OpOutcome.Ok).ToList();
        // A violation names the operations that show it; the read that saw the anomaly comes last.
        var anomalous = check.Violations.Select(v => byId[v.Operations.Max()]).DistinctBy(o => o.Id).ToList();
        var staleness = Staleness.OfListReads(history);
        var latencies = answered.Select(LabMeasures.LatencyMs).ToList();
        LabMetric[] metrics =
        [
            new("operations", "operations", LabMeasures.Count(history.Count)),
            new("acknowledged", "writes acknowledged", LabMeasures.Count(history.Operations.Count(o => o.IsAcknowledgedWrite))),
            new("reads", "reads answered", LabMeasures.Count(answered.Count)),
            new("anomalies", anomalyLabel, LabMeasures.Share(anomalous.Count, answered.Count)),
            new("stale", "reads missing an acknowledged write", LabMeasures.Share(staleness.Values.Count(s => s > 0), answered.Count)),
            new("refused", "reads refused or unanswered", LabMeasures.Count(reads.Count - answered.Count)),
            new("p50", "read latency p50", LabMeasures.Percentile(latencies, 50)),
            new("p99", "read latency p99", LabMeasures.Percentile(latencies, 99)),
            new("checker", $"{checkName} checker", LabMeasures.Verdict(check)),
        ];
        return new LabRun(variant, setting, history, recorder.Faults, recorder.LagSamples, [check], metrics,
            new LabAnomalies(anomalyLabel, LabMeasures.PerSecond(anomalous.Select(o => o.InvokedUs), durationUs)),
            LabHistogram.OfMilliseconds("staleness of reads (ms)", staleness.Values), durationUs)
        {
            AnomalousOperations = anomalous.Select(o => o.Id).ToHashSet(),
        };
    }
}
