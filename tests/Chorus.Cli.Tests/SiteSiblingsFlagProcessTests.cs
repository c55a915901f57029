using System.Globalization;
using Chorus.Cli.Tests.Support;
using Chorus.Client;
using Chorus.Resp;
using StackExchange.Redis;

namespace Chorus.Cli.Tests;

/// <summary>
/// Issue 11, siblings: "a read returns one value to plain clients with a flag" — at a real site, a
/// RESP3 GET (HGET, MGET) of a key holding concurrent values under the siblings policy carries the
/// attribute <c>|1 siblings n</c> before the value, as leaderless reads do; RESP2 gets the value
/// alone; a key whose conflict lww resolved carries none. And the multi-leader counters and gauges
/// on /metrics agree with INFO sites.
/// </summary>
public sealed class SiteSiblingsFlagProcessTests
{
    [Fact]
    public async Task A_plain_read_of_a_key_with_siblings_is_flagged_and_the_site_metrics_count_the_conflicts()
    {
        await using var sites = await SiteProcesses.StartAsync(2, "--conflict-policies", "cart:*=siblings;*=lww");
        await sites.CommandAsync("s1", "CHORUS.LINK", "CUT", "s2");
        await sites.CommandAsync("s2", "CHORUS.LINK", "CUT", "s1");
        foreach (var (site, value) in new[] { ("s1", "milk"), ("s2", "eggs") })
        {
            await sites.CommandAsync(site, "SET", "cart:1", value);
            await sites.CommandAsync(site, "HSET", "cart:h", "item", value);
            await sites.CommandAsync(site, "SET", "page", value);
        }
        await sites.CommandAsync("s1", "CHORUS.LINK", "HEAL", "s2");
        await sites.CommandAsync("s2", "CHORUS.LINK", "HEAL", "s1");
        foreach (var site in sites.Sites)
        {
            await ProcessCluster.Eventually(async () => (await sites.CommandAsync(site.Id, "CHORUS.SIBLINGS", "cart:1")).Items[3].Items.Count == 2
                && (await sites.CommandAsync(site.Id, "CHORUS.SIBLINGS", "page")).Items[3].Items.Count == 2, TimeSpan.FromSeconds(60), $"{site.Id} has both sites' writes");
        }

        var none = CancellationToken.None;
        await using var connection = await RespConnection.ConnectAsync("127.0.0.1", sites["s1"].Port, TimeSpan.FromSeconds(5), none);
        var plain = await connection.CommandAsync(none, "GET", "cart:1");
        Assert.Null(plain.Attributes); // RESP2: the value only (CHORUS.SIBLINGS lists them)
        Assert.Contains(plain.AsString(), new[] { "milk", "eggs" });

        Assert.False((await connection.CommandAsync(none, "HELLO", "3")).IsError);
        var flagged = await connection.CommandAsync(none, "GET", "cart:1");
        Assert.Equal(plain.AsString(), flagged.AsString());
        Assert.Equal(["siblings", "2"], Flag(flagged));
        Assert.Equal(["siblings", "2"], Flag(await connection.CommandAsync(none, "HGET", "cart:h", "item")));
        Assert.Null((await connection.CommandAsync(none, "HGET", "cart:h", "other")).Attributes);
        var many = await connection.CommandAsync(none, "MGET", "cart:1", "page", "missing");
        Assert.Equal(["siblings", "2"], Flag(many.Items[0]));
        Assert.Null(many.Items[1].Attributes); // lww resolved it: the loser is in the conflict log, not a sibling
        Assert.Null(many.Items[2].Attributes);
        Assert.Null((await connection.CommandAsync(none, "GET", "page")).Attributes);

        // A RESP3 client that knows nothing of the attribute still reads the value.
        var options = ConfigurationOptions.Parse($"127.0.0.1:{sites["s1"].Port}");
        options.Protocol = RedisProtocol.Resp3;
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(options))
        {
            Assert.Equal(plain.AsString(), (string?)await redis.GetDatabase().StringGetAsync("cart:1"));
        }

        // A write at a site that has both supersedes them: no flag any more.
        await sites.CommandAsync("s1", "SET", "cart:1", "eggs,milk");
        Assert.Null((await connection.CommandAsync(none, "GET", "cart:1")).Attributes);

        using var http = new HttpClient();
        foreach (var site in sites.Sites)
        {
            var other = site.Id == "s1" ? "s2" : "s1";
            var info = await sites.InfoAsync(site.Id, "sites");
            await ProcessCluster.Eventually(async () =>
            {
                var metrics = PrometheusText.Parse(await http.GetStringAsync($"http://127.0.0.1:{site.HttpPort}/metrics", none));
                return metrics.Value("chorus_site_conflicts_total") == long.Parse(info["site_conflicts"], CultureInfo.InvariantCulture)
                    && metrics.Value("chorus_site_conflict_lost_values_total") == long.Parse(info["site_conflict_lost_values"], CultureInfo.InvariantCulture)
                    && metrics.Value("chorus_site_changes_applied_total") >= 3
                    && metrics.Value("chorus_site_link_up", ("site", other)) == 1
                    && metrics.Value("chorus_site_link_lag_entries", ("site", other)) == 0;
            }, TimeSpan.FromSeconds(30), $"{site.Id}'s /metrics agree with INFO sites");
            // The three keys conflicted here: cart:1 and cart:h's field kept as siblings, page resolved by lww (one loser).
            Assert.True(long.Parse(info["site_conflicts"], CultureInfo.InvariantCulture) >= 3, string.Join(", ", info));
            Assert.Equal("1", info["site_conflict_lost_values"]);
            Assert.True(double.Parse(info["site_conflicts_per_sec"], CultureInfo.InvariantCulture) >= 0, info["site_conflicts_per_sec"]);
            Assert.Contains("chorus_site_conflicts_per_second", await http.GetStringAsync($"http://127.0.0.1:{site.HttpPort}/metrics", none), StringComparison.Ordinal);
        }
    }

    private static string[] Flag(RespValue value) =>
        [.. Assert.IsType<RespValue>(value.Attributes).Items.Select(i => i.Kind == RespValueKind.Integer ? i.Integer.ToString(CultureInfo.InvariantCulture) : i.AsString()!)];
}
