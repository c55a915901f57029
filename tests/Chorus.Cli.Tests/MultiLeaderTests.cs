using Chorus.Cli.Tests.Support;

namespace Chorus.Cli.Tests;

/// <summary>
/// DDIA ch. 5, "Multi-Leader Replication", with three real site processes: each site takes
/// writes while the link between two of them is cut; once healed, every site holds the same
/// value, resolved by the key's policy, and last-write-wins reports every value that lost.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class MultiLeaderTests
{
    [Fact]
    public async Task A_write_at_any_site_reaches_every_other_site()
    {
        await using var sites = await SiteProcesses.StartAsync();
        await using var client = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{sites["s2"].Port},abortConnect=false");
        await client.GetDatabase().StringSetAsync("greeting", "hello from s2");

        await sites.WaitForValueAsync("greeting", "hello from s2");
        // Storage format 2 keeps a collection's elements outside its record, which is all a site
        // versions: a collection write is refused, never replicated half.
        var refused = await sites.CommandAsync("s2", "HSET", "user:1", "name", "ada");
        Assert.True(refused.IsError);
        Assert.Contains("string keys only", refused.AsString());
        Assert.Equal(0, (await sites.CommandAsync("s2", "EXISTS", "user:1")).AsInteger());
    }

    /// The chapter's wiki page title, edited at two sites while the link between them is down.
    [Fact]
    public async Task Concurrent_writes_across_a_cut_link_resolve_by_last_write_wins_and_the_loser_is_in_the_conflict_log()
    {
        await using var sites = await SiteProcesses.StartAsync();
        Assert.Equal("OK", (await sites.CommandAsync("s1", "CHORUS.LINK", "CUT", "s2")).AsString());
        Assert.Equal("OK", (await sites.CommandAsync("s2", "CHORUS.LINK", "CUT", "s1")).AsString());
        Assert.Equal("OK", (await sites.CommandAsync("s3", "CHORUS.LINK", "CUT", "s1")).AsString());
        Assert.Equal("OK", (await sites.CommandAsync("s3", "CHORUS.LINK", "CUT", "s2")).AsString());

        // Both sides keep taking writes while cut off.
        Assert.Equal("OK", (await sites.CommandAsync("s1", "SET", "page:title", "B")).AsString());
        Assert.Equal("OK", (await sites.CommandAsync("s2", "SET", "page:title", "C")).AsString());
        Assert.Equal("B", (await sites.CommandAsync("s1", "GET", "page:title")).AsString());
        Assert.Equal("C", (await sites.CommandAsync("s2", "GET", "page:title")).AsString());

        foreach (var (site, other) in new[] { ("s1", "s2"), ("s2", "s1"), ("s3", "s1"), ("s3", "s2") })
        {
            Assert.Equal("OK", (await sites.CommandAsync(site, "CHORUS.LINK", "HEAL", other)).AsString());
        }
        // s2 wrote second, so its write has the later HLC timestamp: C wins everywhere.
        await sites.WaitForValueAsync("page:title", "C");

        var conflicts = await sites.CommandAsync("s1", "CHORUS.CONFLICTS");
        var record = Assert.Single(conflicts.Items);
        var text = string.Join(" ", Flatten(record));
        Assert.Contains("page:title", text);
        Assert.Contains("lww", text);
        Assert.Contains(" B ", text + " ");
        var file = Assert.Single(Directory.GetFiles(Path.Combine(sites.DataDir("s1"), "conflicts")));
        Assert.Contains("\"value\":\"B\"", await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken));
        var info = await sites.InfoAsync("s1", "sites");
        Assert.Equal("1", info["site_conflict_lost_values"]);
    }

    [Fact]
    public async Task Under_the_siblings_policy_both_values_are_kept_and_a_later_write_resolves_them()
    {
        await using var sites = await SiteProcesses.StartAsync(3, "--conflict-policies", "cart:*=siblings");
        Assert.Equal("OK", (await sites.CommandAsync("s1", "CHORUS.LINK", "CUT", "s2")).AsString());
        Assert.Equal("OK", (await sites.CommandAsync("s2", "CHORUS.LINK", "CUT", "s1")).AsString());
        Assert.Equal("OK", (await sites.CommandAsync("s3", "CHORUS.LINK", "CUT", "s1")).AsString());
        Assert.Equal("OK", (await sites.CommandAsync("s3", "CHORUS.LINK", "CUT", "s2")).AsString());
        await sites.CommandAsync("s1", "SET", "cart:7", "milk");
        await sites.CommandAsync("s2", "SET", "cart:7", "eggs");
        foreach (var (site, other) in new[] { ("s1", "s2"), ("s2", "s1"), ("s3", "s1"), ("s3", "s2") })
        {
            await sites.CommandAsync(site, "CHORUS.LINK", "HEAL", other);
        }

        foreach (var site in sites.Sites)
        {
            await ProcessCluster.Eventually(async () => SiblingValues(await sites.CommandAsync(site.Id, "CHORUS.SIBLINGS", "cart:7")).Count == 2, TimeSpan.FromSeconds(60), $"{site.Id} keeps both siblings");
        }
        Assert.Equal(["eggs", "milk"], SiblingValues(await sites.CommandAsync("s3", "CHORUS.SIBLINGS", "cart:7")).Order());

        // A write at a site that has seen both supersedes them (its version vector dominates).
        await sites.CommandAsync("s3", "SET", "cart:7", "milk,eggs");
        await sites.WaitForValueAsync("cart:7", "milk,eggs");
        Assert.Single(SiblingValues(await sites.CommandAsync("s1", "CHORUS.SIBLINGS", "cart:7")));
    }

    private static List<string> SiblingValues(Resp.RespValue reply)
    {
        var items = reply.Items;
        var siblings = items[3].Items;
        return [.. siblings.Select(s => s.Items[1].AsString()!)];
    }

    private static IEnumerable<string> Flatten(Resp.RespValue value) =>
        value.Items.Count > 0 ? value.Items.SelectMany(Flatten) : [value.AsString() ?? "(nil)"];
}
