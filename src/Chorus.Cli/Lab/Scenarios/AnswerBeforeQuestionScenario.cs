using Chorus.Simulation.Checkers;
using Chorus.Simulation.History;

namespace Chorus.Cli.Lab.Scenarios;

/// <summary>
/// DDIA ch. 5, "Consistent Prefix Reads" (figure 5-5): Mr. Poons asks a question, Mrs. Cake reads
/// it and answers, and an observer sees the answer before the question. That takes writes that
/// reach a replica by different paths: in a leaderless cluster each key's write travels from its
/// own coordinator to each replica, so n3 — its link from n1 held in cycles, its link from n2
/// not — gets Mrs. Cake's answer (coordinated by n2) before Mr. Poons's question (coordinated by
/// n1). A single-leader follower has one path: it applies one log in order, so however far
/// behind it falls (its whole peer link held in the same cycles), it shows a prefix of what the
/// leader did — never an answer without its question. Judged per observer read: an answer shown
/// without the question Mrs. Cake read before writing it is a violation.
/// </summary>
internal static class AnswerBeforeQuestionScenario
{
    private const string Name = "answer-before-question";
    private const int RunMs = 8000;
    private static readonly string[] Nodes = ["n1", "n2", "n3"];

    public static LabScenario Definition { get; } = new(Name,
        "The answer before the question (consistent prefix)",
        "Mr. Poons writes question i through n1; Mrs. Cake reads it through n2 and then writes answer i through n2; an observer reads the newest answer and its question together (MGET) through n3. "
        + "In a leaderless cluster (N=3, W=2, R=1; read repair and anti-entropy off) each write travels from its own coordinator to each replica; n3's link from n1 is held in cycles (800 ms held, 400 ms released), its link from n2 is not, so n3 holds answers whose question has not reached it. "
        + "With single-leader replication every write is one entry of the leader's log; n3, a follower whose whole peer link is held in the same cycles, lags just as much, but applies the log in order: it can miss both, never the question alone.",
        RunAsync);

    private static async Task<ScenarioOutcome> RunAsync(LabContext context, CancellationToken cancellationToken)
    {
        var without = await RunOnceAsync(context, leaderless: true, cancellationToken);
        var with = await RunOnceAsync(context, leaderless: false, cancellationToken);
        return new ScenarioOutcome(Definition, [without, with]);
    }

    private static async Task<LabRun> RunOnceAsync(LabContext context, bool leaderless, CancellationToken cancellationToken)
    {
        var variant = leaderless ? "leaderless" : "single-leader";
        context.Progress.WriteLine($"  {variant}: starting 3 nodes...");
        await using var cluster = leaderless
            ? await LabCluster.StartAsync(Nodes, _ => LeaderlessFlags, (c, token) => c.WaitForPeersUpAsync(token), context.LogPath(Name, variant), cancellationToken)
            : await LabCluster.StartAsync(Nodes.Length, [], context.LogPath(Name, variant), cancellationToken);
        // Single-leader: n1 leads, and Mrs. Cake reads the question where it was written.
        var (askAt, answerAt) = leaderless ? ("n1", "n2") : ("n1", "n1");
        var recorder = new LabRecorder();
        var thread = new QuestionThread();
        var poons = new LabSession("poons", cluster, recorder);
        var cake = new LabSession("cake", cluster, recorder);
        var observer = new LabSession("observer", cluster, recorder);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var lag = leaderless ? Task.CompletedTask : LagSampler.RunAsync(cluster, recorder, stop.Token);
        var flapper = LinkFlapper.RunAsync(cluster, "n3", recorder, heldMs: 800, releasedMs: 400, stop.Token, from: leaderless ? "n1" : null);
        List<Task> loops =
        [
            LabLoop.RunAsync(i => AskAsync(poons, askAt, i, thread), stop.Token),
            LabLoop.RunAsync(_ => AnswerAsync(cake, answerAt, thread), stop.Token),
            LabLoop.RunAsync(_ => ObserveAsync(observer, thread), stop.Token),
        ];
        try
        {
            await LabLoop.HoldAsync(RunMs, cancellationToken);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll([.. loops, lag, flapper]);
            foreach (var session in new[] { poons, cake, observer })
            {
                await session.DisposeAsync();
            }
        }
        var setting = leaderless
            ? "--family leaderless --n 3 --w 2 --r 1, no read repair or anti-entropy; n3's link from n1 held in cycles"
            : "single-leader, reads at the follower n3 (eventual); n3's peer link held in cycles";
        return Measure(variant, setting, recorder);
    }

    /// <summary>
    /// Read repair and anti-entropy off: with them, the first read of a question through n2
    /// already repairs n3 from n2 (a path that is not held), and on a quiet machine that beats
    /// the answer to n3 — the anomaly then shows only as often as the machine's timing allows.
    /// </summary>
    private static readonly IReadOnlyList<string> LeaderlessFlags =
        ["--family", "leaderless", "--n", "3", "--w", "2", "--r", "1", "--Leaderless:ReadRepair=false", "--Leaderless:AntiEntropy=false"];

    private static string Question(int i) => $"question:{i}";

    private static string Answer(int i) => $"answer:{i}";

    private static async Task AskAsync(LabSession poons, string node, int i, QuestionThread thread)
    {
        var op = await poons.RunAsync(node, OpKind.Write, Question(i), $"q{i}", ["SET", Question(i), $"q{i}"], TimeSpan.FromSeconds(2), CancellationToken.None);
        if (op.Outcome == OpOutcome.Ok)
        {
            thread.Asked(i);
        }
        await (op.Outcome == OpOutcome.Ok ? Task.Delay(20) : LabLoop.BackOffAsync());
    }

    /// <summary>Mrs. Cake answers the newest question she can read; she answers only what she has read.</summary>
    private static async Task AnswerAsync(LabSession cake, string node, QuestionThread thread)
    {
        if (thread.NextToAnswer() is not { } i)
        {
            await Task.Delay(10);
            return;
        }
        var read = await cake.RunAsync(node, OpKind.Read, Question(i), null, ["GET", Question(i)], TimeSpan.FromSeconds(2), CancellationToken.None);
        if (read.Outcome != OpOutcome.Ok || read.Values[0] is null)
        {
            await LabLoop.BackOffAsync();
            return;
        }
        var answer = await cake.RunAsync(node, OpKind.Write, Answer(i), $"a{i}", ["SET", Answer(i), $"a{i}"], TimeSpan.FromSeconds(2), CancellationToken.None);
        if (answer.Outcome == OpOutcome.Ok)
        {
            thread.Answered(i);
        }
    }

    /// <summary>The observer reads the newest answer together with its question, at n3.</summary>
    private static async Task ObserveAsync(LabSession observer, QuestionThread thread)
    {
        if (thread.LatestAnswered is not { } i)
        {
            await Task.Delay(10);
            return;
        }
        var read = await observer.RunAsync("n3", OpKind.MultiRead, [Answer(i), Question(i)], null, ["MGET", Answer(i), Question(i)], TimeSpan.FromSeconds(2), CancellationToken.None);
        await (read.Outcome == OpOutcome.Ok ? Task.Delay(5) : LabLoop.BackOffAsync());
    }

    private static LabRun Measure(string variant, string setting, LabRecorder recorder)
    {
        var history = recorder.History();
        var durationUs = recorder.NowUs;
        var observed = history.Operations.Where(o => o.Kind == OpKind.MultiRead).ToList();
        var answered = observed.Where(o => o.Outcome == OpOutcome.Ok).ToList();
        var violations = answered.Where(o => o.Values[0] is not null && o.Values[1] is null)
            .Select(o => new Violation(CheckNames.ConsistentPrefix, $"{o} shows the answer without the question Mrs. Cake read before writing it", [o.Id]))
            .ToList();
        var check = CheckResult.From(CheckNames.ConsistentPrefix, violations);
        var latencies = answered.Select(LabMeasures.LatencyMs).ToList();
        LabMetric[] metrics =
        [
            new("operations", "operations", LabMeasures.Count(history.Count)),
            new("questions", "questions asked (acknowledged)", LabMeasures.Count(history.Operations.Count(o => o.IsAcknowledgedWrite && o.Client == "poons"))),
            new("answers", "answers written (acknowledged)", LabMeasures.Count(history.Operations.Count(o => o.IsAcknowledgedWrite && o.Client == "cake"))),
            new("reads", "observer reads answered", LabMeasures.Count(answered.Count)),
            new("anomalies", "answers seen without their question", LabMeasures.Share(violations.Count, answered.Count)),
            new("both", "reads showing the question and its answer", LabMeasures.Share(answered.Count(o => o.Values.All(v => v is not null)), answered.Count)),
            new("question-only", "reads showing the question, its answer not yet", LabMeasures.Share(answered.Count(o => o.Values[0] is null && o.Values[1] is not null), answered.Count)),
            new("neither", "reads showing neither yet (stale, in order)", LabMeasures.Share(answered.Count(o => o.Values.All(v => v is null)), answered.Count)),
            new("p50", "read latency p50", LabMeasures.Percentile(latencies, 50)),
            new("p99", "read latency p99", LabMeasures.Percentile(latencies, 99)),
            new("checker", "consistent-prefix check", LabMeasures.Verdict(check)),
        ];
        var anomalous = violations.Select(v => v.Operations[0]).ToHashSet();
        return new LabRun(variant, setting, history, recorder.Faults, recorder.LagSamples, [check], metrics,
            new LabAnomalies("answers before their question", LabMeasures.PerSecond(answered.Where(o => anomalous.Contains(o.Id)).Select(o => o.InvokedUs), durationUs)),
            LabHistogram.OfMilliseconds("latency of observer reads (ms)", latencies), durationUs)
        {
            AnomalousOperations = anomalous,
        };
    }

    /// <summary>Which questions were asked and answered, shared by the three loops.</summary>
    private sealed class QuestionThread
    {
        private int _asked;
        private int _answered;

        public int? LatestAnswered => Volatile.Read(ref _answered) is > 0 and var i ? i : null;

        public void Asked(int i) => Volatile.Write(ref _asked, i);

        public void Answered(int i) => Volatile.Write(ref _answered, i);

        /// <summary>The newest question asked and not yet answered, if any.</summary>
        public int? NextToAnswer() => Volatile.Read(ref _asked) is var asked && asked > Volatile.Read(ref _answered) ? asked : null;
    }
}
