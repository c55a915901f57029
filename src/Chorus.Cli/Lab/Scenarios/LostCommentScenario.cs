using Chorus.Simulation.Checkers;
using Chorus.Simulation.History;

namespace Chorus.Cli.Lab.Scenarios;

/// <summary>
/// DDIA ch. 5, "Reading Your Own Writes": a user submits a comment at the leader, reloads the
/// page, the read goes to a follower that has not caught up, and the comment is gone. Three
/// users append comments at the leader n1 and read them back at the follower n2, whose peer link
/// is held in cycles (it lags by up to 0.7 s, then catches up). With the read-your-writes level,
/// each read carries the token of the user's last write (CHORUS.TOKEN → CHORUS.READ
/// read-your-writes AFTER token) and n2 waits until it has applied that write.
/// </summary>
internal static class LostCommentScenario
{
    private const string Name = "lost-comment";
    private const int Users = 3;
    private const int RunMs = 8000;

    public static LabScenario Definition { get; } = new(Name,
        "The lost comment (read-your-writes)",
        "Three users post comments at the leader n1 and reload them from the follower n2, whose peer link is held in cycles (0.7 s held, 0.5 s released), so n2 lags. "
        + "Read as they are (eventual), some reloads miss the user's own comment. With the read-your-writes level, each read carries the token of the user's last write and n2 waits until it has applied it: no comment goes missing; the reads wait instead.",
        RunAsync);

    private static async Task<ScenarioOutcome> RunAsync(LabContext context, CancellationToken cancellationToken)
    {
        context.Progress.WriteLine("  starting 3 nodes...");
        await using var cluster = await LabCluster.StartAsync(3, [], context.LogPath(Name, "cluster"), cancellationToken);
        var without = await RunOnceAsync(cluster, "eventual", guarded: false, cancellationToken);
        var with = await RunOnceAsync(cluster, "read-your-writes", guarded: true, cancellationToken);
        return new ScenarioOutcome(Definition, [without, with]);
    }

    private static async Task<LabRun> RunOnceAsync(LabCluster cluster, string variant, bool guarded, CancellationToken cancellationToken)
    {
        var recorder = new LabRecorder();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var lag = LagSampler.RunAsync(cluster, recorder, stop.Token);
        var flapper = LinkFlapper.RunAsync(cluster, "n2", recorder, heldMs: 700, releasedMs: 500, stop.Token);
        var sessions = Enumerable.Range(1, Users).Select(i => new LabSession($"user{i}", cluster, recorder)).ToList();
        var users = sessions.Select(s => LabLoop.RunAsync(i => PostAndReloadAsync(s, variant, guarded, i), stop.Token)).ToList();
        try
        {
            await LabLoop.HoldAsync(RunMs, cancellationToken);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll([.. users, lag, flapper]);
            foreach (var session in sessions)
            {
                await session.DisposeAsync();
            }
        }
        var setting = guarded ? "CHORUS.READ read-your-writes AFTER <token of the user's last write> GET" : "GET (eventual: the follower's state as it is)";
        return SessionRun.Measure(variant, setting, recorder, recorder.NowUs, CheckNames.ReadYourWrites, "reads missing the user's own comment");
    }

    private static async Task PostAndReloadAsync(LabSession user, string variant, bool guarded, int i)
    {
        var key = $"comments:{variant}:{user.Name}";
        var comment = $"{user.Name}-{i}";
        var post = await user.RunAsync("n1", OpKind.Append, key, comment, ["APPEND", key, comment + ","], TimeSpan.FromSeconds(2), CancellationToken.None, withToken: guarded);
        if (post.Outcome != OpOutcome.Ok)
        {
            await LabLoop.BackOffAsync();
            return;
        }
        string[] read = guarded ? ["CHORUS.READ", "read-your-writes", "WAIT", "5000", "AFTER", user.Token ?? throw new InvalidOperationException("CHORUS.TOKEN gave no token"), "GET", key] : ["GET", key];
        await user.RunAsync("n2", OpKind.Read, key, null, read, TimeSpan.FromSeconds(6), CancellationToken.None);
        await Task.Delay(20); // the user reads the page before posting again
    }
}
