using System.Globalization;
using Chorus.Cli.Tests.Support;

namespace Chorus.Cli.Tests;

/// <summary>
/// What an operator sees of a leaderless cluster (docs/leaderless.md, "Seeing it"), through
/// `chorus status` and each node's /metrics, on real `chorus serve` processes: ring ownership,
/// sibling counts, hints pending while a node is down and delivered when it returns, and read
/// repairs of a node that came back with an empty data directory. Anti-entropy is off so that
/// read repair alone brings the old keys back to that node.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class LeaderlessStatusTests(ITestOutputHelper output)
{
    private static readonly string[] Settings =
    [
        "--n", "3", "--w", "2", "--r", "2",
        "--Leaderless:AntiEntropy=false", "--Leaderless:RequestTimeoutMs=5000", "--Leaderless:PeerDownAfterMs=2000",
    ];

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Status_and_metrics_show_ring_ownership_siblings_hints_and_read_repairs()
    {
        await using var cluster = await ProcessCluster.StartLeaderlessAsync(3, Settings);
        using var http = new HttpClient();

        // Ring ownership: the first-replica shares add up to the whole ring; with N = 3 of 3 nodes each holds all of it.
        var table = await StatusAsync(cluster);
        Assert.Equal(100.0, cluster.Members.Sum(m => Number(table[m.Id]["RING %"])), 0.5);
        Assert.All(cluster.Members, m => Assert.Equal(100.0, Number(table[m.Id]["REPLICA %"]), 0.5));
        Assert.All(cluster.Members, m => Assert.Equal("member", table[m.Id]["MEMBERSHIP"]));
        var primaryShares = 0.0;
        foreach (var member in cluster.Members)
        {
            var metrics = await MetricsAsync(http, member);
            primaryShares += Metric(metrics, "chorus_leaderless_primary_share");
            Assert.Equal(1.0, Metric(metrics, "chorus_leaderless_replica_share"), 0.01);
        }
        Assert.Equal(1.0, primaryShares, 0.01);

        // Siblings: two blind writes of one key are concurrent; a read through n3 returns both.
        Assert.False((await cluster.CommandAsync("n1", "CHORUS.PUTV", "cart", "", "milk")).IsError);
        Assert.False((await cluster.CommandAsync("n2", "CHORUS.PUTV", "cart", "", "eggs")).IsError);
        Assert.Equal(3, (await cluster.CommandAsync("n3", "CHORUS.GETV", "cart")).Items!.Count);
        Assert.False((await cluster.CommandAsync("n3", "GET", "cart")).IsError);
        Assert.Equal("2", (await StatusAsync(cluster))["n3"]["SIBLINGS MAX"]);
        await ProcessCluster.Eventually(async () => Metric(await MetricsAsync(http, cluster["n3"]), "chorus_leaderless_siblings_max") == 2, Patience, "n3's /metrics shows 2 siblings");

        // Hints: with n3 killed, the writes of keys it replicates are kept as hints for it.
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal("OK", (await cluster.CommandAsync("n1", "SET", $"old{i}", "v")).AsString());
        }
        await cluster.KillAsync("n3");
        await ProcessCluster.Eventually(async () => (await cluster.InfoAsync("n1"))["leaderless_peers_down"] == "n3", Patience, "n1 sees n3 down");
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal("OK", (await cluster.CommandAsync("n1", "SET", $"new{i}", "v")).AsString());
        }
        await ProcessCluster.Eventually(async () => Hints(await StatusAsync(cluster)) >= 10, Patience, "chorus status shows the hints kept for n3");
        table = await StatusAsync(cluster);
        output.WriteLine(string.Join('\n', table.Select(row => $"{row.Key}: {string.Join(", ", row.Value)}")));
        Assert.Equal("unreachable", table.Values.Single(row => row["NODE"] == "?")["MEMBERSHIP"]);
        var pending = 0.0;
        foreach (var member in cluster.Members.Where(m => m.Id != "n3"))
        {
            pending += Metric(await MetricsAsync(http, member), "chorus_leaderless_hints_pending");
        }
        Assert.True(pending >= 10, $"/metrics shows {pending} hints pending");

        // n3 comes back with an empty data directory: it receives its hints (the new keys) ...
        Directory.Delete(cluster.DataDir("n3"), recursive: true);
        cluster.Start("n3");
        await cluster.WaitForPeersUpAsync();
        await ProcessCluster.Eventually(async () => Hints(await StatusAsync(cluster)) == 0, Patience, "every hint is delivered to n3");
        var delivered = 0.0;
        foreach (var member in cluster.Members.Where(m => m.Id != "n3"))
        {
            delivered += Metric(await MetricsAsync(http, member), "chorus_leaderless_hints_delivered_total");
        }
        Assert.True(delivered >= 10, $"/metrics shows {delivered} hints delivered");

        // ... and read repair sends it the old keys as they are read (n1's replies merge n3's nothing with the others' value).
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal("v", (await cluster.CommandAsync("n1", "GET", $"old{i}")).AsString());
        }
        await ProcessCluster.Eventually(async () => Number((await StatusAsync(cluster))["n1"]["READ REPAIRS"]) > 0, Patience, "chorus status shows n1's read repairs");
        await ProcessCluster.Eventually(async () => Metric(await MetricsAsync(http, cluster["n1"]), "chorus_leaderless_read_repairs_total") > 0, Patience, "n1's /metrics shows its read repairs");
    }

    /// <summary>`chorus status` of every member, one row per node by its id (an unreachable node is "?"), each cell by its column header.</summary>
    private async Task<Dictionary<string, Dictionary<string, string>>> StatusAsync(ProcessCluster cluster)
    {
        var endpoints = string.Join(',', cluster.Members.Select(m => $"127.0.0.1:{m.Port.ToString(CultureInfo.InvariantCulture)}"));
        var (exit, text) = await NodeProcess.RunCliAsync(TimeSpan.FromSeconds(60), "status", "--endpoints", endpoints);
        Assert.True(exit == 0, text);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines.First(l => l.StartsWith("NODE", StringComparison.Ordinal));
        var columns = new[] { "NODE", "ENDPOINT", "MEMBERSHIP", "RING %", "REPLICA %", "PEERS UP", "DOWN", "HINTS", "READS", "WRITES", "FAILED (r/w)", "READ REPAIRS", "AE KEYS REPAIRED", "SIBLINGS MAX" };
        var starts = columns.Select(c => header.IndexOf(c, StringComparison.Ordinal)).ToArray();
        Assert.True(starts.All(s => s >= 0), $"every column is in the header: {header}");
        var rows = new Dictionary<string, Dictionary<string, string>>();
        foreach (var line in lines.SkipWhile(l => l != header).Skip(1).TakeWhile(l => !l.StartsWith("leaderless:", StringComparison.Ordinal)))
        {
            var row = new Dictionary<string, string>();
            for (var c = 0; c < columns.Length; c++)
            {
                var end = c + 1 < columns.Length ? Math.Min(starts[c + 1], line.Length) : line.Length;
                row[columns[c]] = starts[c] < line.Length ? line[starts[c]..end].Trim() : "";
            }
            rows[row["NODE"] == "?" ? row["ENDPOINT"] : row["NODE"]] = row;
        }
        return rows;
    }

    private static double Hints(Dictionary<string, Dictionary<string, string>> table) =>
        table.Values.Where(row => row["HINTS"] != "").Sum(row => Number(row["HINTS"]));

    private static async Task<string> MetricsAsync(HttpClient http, ProcessCluster.Member member) =>
        await http.GetStringAsync($"http://127.0.0.1:{member.HttpPort.ToString(CultureInfo.InvariantCulture)}/metrics", TestContext.Current.CancellationToken);

    /// <summary>The value of the first sample of <paramref name="name"/> (with or without labels) in a Prometheus scrape.</summary>
    private static double Metric(string scrape, string name)
    {
        var line = scrape.Split('\n').FirstOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal) || l.StartsWith(name + "{", StringComparison.Ordinal));
        Assert.True(line is not null, $"{name} is in /metrics:\n{scrape}");
        // "name{labels} value [timestamp]": the value is the first field after the name and its labels.
        var afterLabels = line!.StartsWith(name + "{", StringComparison.Ordinal) ? line.IndexOf('}', StringComparison.Ordinal) + 1 : name.Length;
        return double.Parse(line[afterLabels..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    private static double Number(string cell) => double.Parse(cell.TrimEnd('%'), CultureInfo.InvariantCulture);
}
