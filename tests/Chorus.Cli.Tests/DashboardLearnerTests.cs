using System.Globalization;
using System.Text.Json;
using Chorus.Cli.Tests.Support;

namespace Chorus.Cli.Tests;

/// <summary>
/// The dashboard's "learners and snapshot progress" (issue 16), at the level of its data
/// (`/api/status`, which the page renders): a node added with CHORUS.NODE ADD is listed on the
/// leader's page as a learner; once started, its own page reports the snapshot it loaded from
/// the leader (every byte of it) and the timeline says so; the leader's page counts the snapshot
/// it served and shows the learner promoted to voter once it caught up.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class DashboardLearnerTests(ITestOutputHelper output)
{
    private const int Keys = 3_000;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_learner_is_listed_then_reports_its_snapshot_and_is_promoted_on_the_dashboard()
    {
        // A small retained log: once the leader has dropped its first entries, a new member must load a snapshot.
        await using var cluster = await ProcessCluster.StartAsync(1, null, "--LogRetainBytes=100000", "--LogRetentionIntervalMs=200");
        await using (var connection = await cluster.ConnectAsync("n1"))
        {
            var db = connection.GetDatabase();
            var value = new string('v', 1024);
            foreach (var batch in Enumerable.Range(0, Keys).Chunk(500))
            {
                await Task.WhenAll(batch.Select(i => db.StringSetAsync($"page:{i}", value)));
            }
        }
        await ProcessCluster.Eventually(async () => ulong.Parse((await cluster.InfoAsync("n1"))["chorus_log_first_lsn"], CultureInfo.InvariantCulture) > 1,
            TimeSpan.FromSeconds(60), "the leader retired its first log entries");

        var learner = cluster.AddMember();
        var added = await cluster.CommandAsync("n1", "CHORUS.NODE", "ADD", learner.Id, $"127.0.0.1:{learner.PeerPort}", $"127.0.0.1:{learner.Port}");
        Assert.Equal("OK", added.AsString());

        // Not started yet: the leader lists it as a learner.
        var listed = await StatusWhenAsync(cluster["n1"], s => Member(s, learner.Id)?.GetProperty("memberRole").GetString() == "learner", "n1's dashboard lists the learner");
        Assert.Equal("follower", Member(listed, learner.Id)!.Value.GetProperty("role").GetString());
        Assert.Contains(Timeline(listed), text => text == $"members: n1, {learner.Id} (learner)");

        cluster.Start(learner.Id);
        var states = new HashSet<string>(StringComparer.Ordinal);
        var joined = await StatusWhenAsync(learner, s =>
        {
            var snapshot = s.GetProperty("status").GetProperty("snapshot");
            states.Add(snapshot.GetProperty("state").GetString()!);
            return snapshot.GetProperty("installed").GetInt64() >= 1;
        }, $"{learner.Id}'s dashboard reports a snapshot installed");
        output.WriteLine($"snapshot states seen on {learner.Id}'s dashboard: {string.Join(", ", states)}");
        var progress = joined.GetProperty("status").GetProperty("snapshot");
        output.WriteLine(progress.ToString());
        Assert.Equal("installed", progress.GetProperty("state").GetString());
        Assert.Equal("n1", progress.GetProperty("source").GetString());
        var bytes = progress.GetProperty("bytesTotal").GetInt64();
        // (Compressed on disk: the repeated values take far less than the 3 MB written.)
        Assert.True(bytes > 0, "the snapshot carried the leader's data");
        Assert.Equal(bytes, progress.GetProperty("bytesDone").GetInt64());
        Assert.Contains(Timeline(joined), text => text == "installed a snapshot from n1");

        var promoted = await StatusWhenAsync(cluster["n1"], s =>
            Member(s, learner.Id) is { } row && row.GetProperty("memberRole").GetString() == "voter"
            && row.GetProperty("appliedLsn").ValueKind == JsonValueKind.Number
            && s.GetProperty("status").GetProperty("snapshot").GetProperty("served").GetInt64() >= 1,
            $"n1's dashboard shows {learner.Id} promoted and a snapshot served");
        Assert.Contains(Timeline(promoted), text => text == $"members: n1, {learner.Id}");
        output.WriteLine($"{learner.Id} promoted at applied LSN {Member(promoted, learner.Id)!.Value.GetProperty("appliedLsn")}");
    }

    private static JsonElement? Member(JsonElement state, string id) =>
        state.GetProperty("status").GetProperty("members").EnumerateArray()
            .Where(m => m.GetProperty("id").GetString() == id).Select(m => (JsonElement?)m).FirstOrDefault();

    private static IEnumerable<string> Timeline(JsonElement state) =>
        state.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("text").GetString()!);

    /// <summary>The node's /api/status, polled until <paramref name="condition"/> holds (the node samples once a second).</summary>
    private static async Task<JsonElement> StatusWhenAsync(ProcessCluster.Member member, Func<JsonElement, bool> condition, string what)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        JsonElement state = default;
        await ProcessCluster.Eventually(async () =>
        {
            try
            {
                using var json = JsonDocument.Parse(await http.GetStringAsync(new Uri($"http://{member.Host}:{member.HttpPort}/api/status"), TestContext.Current.CancellationToken));
                state = json.RootElement.Clone();
                return condition(state);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                return false; // not listening yet, or too busy to answer within 5 s
            }
        }, Patience, what);
        return state;
    }
}
