using System.Net;
using System.Text.Json;
using Chorus.Server.Configuration;
using Chorus.Server.Tests.Support;

namespace Chorus.Server.Tests.Dashboard;

/// <summary>A node whose HTTP port (the dashboard's) the tests know.</summary>
public sealed class DashboardNode : SingleNode
{
    public int HttpPort { get; private set; }

    public Uri Address(string path) => new($"http://127.0.0.1:{HttpPort}{path}");

    protected override void Configure(ChorusOptions options) => HttpPort = options.HttpPort;
}

/// <summary>
/// The dashboard's HTTP surface on a real node (DESIGN §7, issue 16): the page and every asset
/// come from the node itself, /api/status describes the cluster from the published status, and
/// /api/events streams the state and then a tick a second that follows the node's writes.
/// (The page itself is driven in a real browser in Chorus.Cli.Tests' DashboardBrowserTests.)
/// </summary>
public sealed class DashboardEndpointTests(DashboardNode node) : IClassFixture<DashboardNode>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("/", "text/html")]
    [InlineData("/dashboard.js", "text/javascript")]
    [InlineData("/dashboard.css", "text/css")]
    [InlineData("/favicon.svg", "image/svg+xml")]
    public async Task Every_asset_is_served_by_the_node_and_none_refers_to_another_host(string path, string contentType)
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync(node.Address(path), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith(contentType, response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        Assert.Equal("default-src 'self'; img-src 'self' data:", response.Headers.GetValues("Content-Security-Policy").Single());
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.DoesNotContain("https://", text, StringComparison.Ordinal);
        // (SVG's namespace URI is a name, not a fetch.)
        Assert.DoesNotContain("http://", text.Replace("http://www.w3.org/2000/svg", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    /// <summary>Read-only unless the operator allows actions (--dashboard-actions).</summary>
    [Fact]
    public async Task Actions_are_refused_unless_the_node_allows_them()
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync(node.Address("/api/actions"), new StringContent("""{"action":"failover","target":"n1"}""", System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("dashboard actions are off; start the node with --dashboard-actions true", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_describes_this_node_as_the_leader_of_its_members_with_ack_mode_and_timeline()
    {
        // The sampler publishes once a second: the first sample may predate the node's election.
        JsonDocument? sampled = null;
        await Eventually.TrueAsync(async () =>
        {
            sampled?.Dispose();
            sampled = await StatusAsync();
            return sampled.RootElement.GetProperty("status").GetProperty("role").GetString() == "leader";
        }, Patience, "a dashboard sample taken after n1 was elected");
        using var status = sampled!;
        var root = status.RootElement;
        var current = root.GetProperty("status");
        Assert.Equal("n1", current.GetProperty("node").GetString());
        Assert.Equal("leader", current.GetProperty("role").GetString());
        Assert.Equal("n1", current.GetProperty("leader").GetString());
        var self = current.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("id").GetString() == "n1");
        Assert.Equal("leader", self.GetProperty("role").GetString());
        Assert.True(self.GetProperty("self").GetBoolean());
        Assert.Equal("async", current.GetProperty("acks").GetProperty("mode").GetString());
        Assert.Equal(1000, root.GetProperty("sampleIntervalMs").GetInt32());
        Assert.Contains(root.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("text").GetString() == $"epoch {current.GetProperty("epoch").GetUInt64()}: n1 leads");
    }

    [Fact]
    public async Task Status_history_records_the_writes_per_second_of_a_burst()
    {
        var db = node.Db;
        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => db.StringSetAsync($"dash:{i}", "v")));
        var lsn = await LastLsnAsync();
        await Eventually.TrueAsync(async () =>
        {
            using var status = await StatusAsync();
            var history = status.RootElement.GetProperty("history").EnumerateArray().ToList();
            return history.Last().GetProperty("lastLsn").GetUInt64() >= lsn && history.Any(s => s.GetProperty("writesPerSecond").GetDouble() > 0);
        }, Patience, $"a chart point shows LSN {lsn} and a write rate above 0");
    }

    [Fact]
    public async Task Events_stream_starts_with_the_state_then_ticks_that_follow_the_writes()
    {
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cancel.CancelAfter(Patience);
        using var response = await http.GetAsync(node.Address("/api/events"), HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel.Token));

        var (name, data) = await NextEventAsync(reader, cancel.Token);
        Assert.Equal("state", name);
        using (var state = JsonDocument.Parse(data))
        {
            Assert.Equal("n1", state.RootElement.GetProperty("status").GetProperty("node").GetString());
        }

        await node.Db.StringSetAsync("dash:stream", "v");
        var written = await LastLsnAsync();
        ulong seen = 0;
        while (seen < written)
        {
            (name, data) = await NextEventAsync(reader, cancel.Token);
            Assert.Equal("tick", name);
            using var tick = JsonDocument.Parse(data);
            seen = tick.RootElement.GetProperty("status").GetProperty("lastLsn").GetUInt64();
            Assert.Equal(seen, tick.RootElement.GetProperty("sample").GetProperty("lastLsn").GetUInt64());
        }
    }

    private async Task<ulong> LastLsnAsync()
    {
        var info = (string)(await node.Db.ExecuteAsync("INFO", "replication"))!;
        var line = info.Split("\r\n").First(l => l.StartsWith("chorus_last_lsn:", StringComparison.Ordinal));
        return ulong.Parse(line["chorus_last_lsn:".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>One server-sent event: its name and its data line (the feed writes JSON on one line).</summary>
    private static async Task<(string Name, string Data)> NextEventAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        string? name = null;
        string? data = null;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (data is not null)
                {
                    return (name ?? "message", data);
                }
                continue;
            }
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line["data: ".Length..];
            }
        }
        throw new EndOfStreamException("the event stream ended");
    }

    private async Task<JsonDocument> StatusAsync()
    {
        using var http = new HttpClient();
        var json = await http.GetStringAsync(node.Address("/api/status"), TestContext.Current.CancellationToken);
        return JsonDocument.Parse(json);
    }
}
