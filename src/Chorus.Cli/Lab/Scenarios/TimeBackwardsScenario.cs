using Chorus.Simulation.Checkers;
using Chorus.Simulation.History;

namespace Chorus.Cli.Lab.Scenarios;

/// <summary>
/// DDIA ch. 5, "Monotonic Reads": a user reads from two replicas with different lag, and a
/// comment they saw disappears on the next reload — time moves backwards. An author appends to a
/// feed at the leader; three readers reload it, each time from n2 (current) or n3 (its peer link
/// held in cycles, so it lags), chosen at random (seeded). With the monotonic level each reader
/// carries the token of what it has read (CHORUS.READ monotonic AFTER token, then CHORUS.TOKEN),
/// so a replica behind it waits until it has caught up.
/// </summary>
internal static class TimeBackwardsScenario
{
    private const string Name = "time-backwards";
    private const int Readers = 3;
    private const int RunMs = 8000;

    public static LabScenario Definition { get; } = new(Name,
        "Time moving backwards (monotonic reads)",
        "An author appends to a feed at the leader n1. Three readers reload the feed, each time from n2 (current) or n3 (its peer link held in cycles, so it lags), picked at random. "
        + "Read as they are (eventual), a reload at n3 can show an older feed than the reader already saw at n2. With the monotonic level, each reader carries the token of what it has read and a replica that is behind waits until it has caught up.",
        RunAsync);

    private static async Task<ScenarioOutcome> RunAsync(LabContext context, CancellationToken cancellationToken)
    {
        context.Progress.WriteLine("  starting 3 nodes...");
        await using var cluster = await LabCluster.StartAsync(3, [], context.LogPath(Name, "cluster"), cancellationToken);
        var without = await RunOnceAsync(cluster, "eventual", guarded: false, context.Seed, cancellationToken);
        var with = await RunOnceAsync(cluster, "monotonic", guarded: true, context.Seed, cancellationToken);
        return new ScenarioOutcome(Definition, [without, with]);
    }

    private static async Task<LabRun> RunOnceAsync(LabCluster cluster, string variant, bool guarded, int seed, CancellationToken cancellationToken)
    {
        var recorder = new LabRecorder();
        var key = $"feed:{variant}";
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var lag = LagSampler.RunAsync(cluster, recorder, stop.Token);
        var flapper = LinkFlapper.RunAsync(cluster, "n3", recorder, heldMs: 800, releasedMs: 400, stop.Token);
        var author = new LabSession("author", cluster, recorder);
        var readers = Enumerable.Range(1, Readers).Select(i => new LabSession($"reader{i}", cluster, recorder)).ToList();
        List<Task> loops =
        [
            LabLoop.RunAsync(i => PostAsync(author, key, i), stop.Token),
            .. readers.Select((r, n) =>
            {
                var random = new Random(seed + n);
                return LabLoop.RunAsync(_ => ReloadAsync(r, key, random.Next(2) == 0 ? "n2" : "n3", guarded), stop.Token);
            }),
        ];
        try
        {
            await LabLoop.HoldAsync(RunMs, cancellationToken);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll([.. loops, lag, flapper]);
            foreach (var session in readers.Append(author))
            {
                await session.DisposeAsync();
            }
        }
        var setting = guarded ? "CHORUS.READ monotonic AFTER <token of what the reader saw> GET, then CHORUS.TOKEN" : "GET (eventual: each replica's state as it is)";
        return SessionRun.Measure(variant, setting, recorder, recorder.NowUs, CheckNames.MonotonicReads, "reads older than one the reader already saw");
    }

    private static async Task PostAsync(LabSession author, string key, int i)
    {
        var post = await author.RunAsync("n1", OpKind.Append, key, $"post{i}", ["APPEND", key, $"post{i},"], TimeSpan.FromSeconds(2), CancellationToken.None);
        await (post.Outcome == OpOutcome.Ok ? Task.Delay(10) : LabLoop.BackOffAsync());
    }

    private static async Task ReloadAsync(LabSession reader, string key, string node, bool guarded)
    {
        string[] read = !guarded ? ["GET", key]
            : reader.Token is { } token ? ["CHORUS.READ", "monotonic", "WAIT", "5000", "AFTER", token, "GET", key]
            : ["CHORUS.READ", "monotonic", "WAIT", "5000", "GET", key];
        var op = await reader.RunAsync(node, OpKind.Read, key, null, read, TimeSpan.FromSeconds(6), CancellationToken.None, withToken: guarded);
        await (op.Outcome == OpOutcome.Ok ? Task.Delay(20) : LabLoop.BackOffAsync());
    }
}
