using Chorus.Cli.Tests.Support;
using Chorus.Client;

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
    public async Task A_write_at_any_site_reaches_every_other_site_and_what_cannot_merge_is_refused()
    {
        await using var sites = await SiteProcesses.StartAsync();
        await using var client = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{sites["s2"].Port},abortConnect=false");
        await client.GetDatabase().StringSetAsync("greeting", "hello from s2");

        await sites.WaitForValueAsync("greeting", "hello from s2");
        // A list would need a sequence CRDT: a site refuses list writes rather than let sites diverge.
        var refused = await sites.CommandAsync("s2", "LPUSH", "queue", "job");
        Assert.True(refused.IsError);
        Assert.Contains("lists are not replicated", refused.AsString());
        Assert.Equal(0, (await sites.CommandAsync("s2", "EXISTS", "queue")).AsInteger());

        // Other sites merge each key on its own, so a transaction could not stay atomic there:
        // EXEC is refused whole, and none of its writes is applied.
        await using (var connection = await RespConnection.ConnectAsync("127.0.0.1", sites["s1"].Port, TimeSpan.FromSeconds(5), CancellationToken.None))
        {
            Assert.Equal("OK", (await connection.CommandAsync(CancellationToken.None, "MULTI")).AsString());
            Assert.Equal("QUEUED", (await connection.CommandAsync(CancellationToken.None, "SET", "tx:a", "1")).AsString());
            Assert.Equal("QUEUED", (await connection.CommandAsync(CancellationToken.None, "SET", "tx:b", "2")).AsString());
            var exec = await connection.CommandAsync(CancellationToken.None, "EXEC");
            Assert.True(exec.IsError);
            Assert.Contains("MULTI/EXEC is not available at a multi-leader site", exec.AsString());
        }
        Assert.Equal(0, (await sites.CommandAsync("s1", "EXISTS", "tx:a", "tx:b")).AsInteger());
    }

    /// <summary>
    /// The issue's CRDT bullet with real processes: while the link between s1 and s2 is cut, both
    /// write different fields of one hash and the same field, remove and re-add one set member,
    /// increment one counter, and write in database 3. After healing every site holds both fields,
    /// the later value of the shared field (the other in the conflict log), the member (add-wins),
    /// the sum of every increment, and the database-3 key.
    /// </summary>
    [Fact]
    public async Task Hashes_sets_and_counters_merge_element_by_element_across_a_cut_link()
    {
        await using var sites = await SiteProcesses.StartAsync(3, "--conflict-policies", "visits:*=counter");
        await sites.CommandAsync("s1", "HSET", "page:1", "name", "wiki");
        await sites.CommandAsync("s1", "SADD", "page:1:tags", "draft", "db");
        foreach (var site in sites.Sites)
        {
            await ProcessCluster.Eventually(async () => (await sites.CommandAsync(site.Id, "SCARD", "page:1:tags")).AsInteger() == 2, TimeSpan.FromSeconds(60), $"{site.Id} has both tags");
        }
        Assert.Equal("OK", (await sites.CommandAsync("s1", "CHORUS.LINK", "CUT", "s2")).AsString());
        Assert.Equal("OK", (await sites.CommandAsync("s2", "CHORUS.LINK", "CUT", "s1")).AsString());

        await sites.CommandAsync("s1", "HSET", "page:1", "email", "ada@example.com", "title", "B");
        await sites.CommandAsync("s2", "HSET", "page:1", "phone", "555", "title", "C");
        Assert.Equal(1, (await sites.CommandAsync("s1", "SREM", "page:1:tags", "draft")).AsInteger());
        Assert.Equal(0, (await sites.CommandAsync("s2", "SADD", "page:1:tags", "draft")).AsInteger());
        await sites.CommandAsync("s1", "INCR", "visits:1");
        await sites.CommandAsync("s1", "INCRBY", "visits:1", "10");
        await sites.CommandAsync("s2", "INCRBY", "visits:1", "100");
        await using (var s2 = await RespConnection.ConnectAsync("127.0.0.1", sites["s2"].Port, TimeSpan.FromSeconds(5), CancellationToken.None))
        {
            Assert.Equal("OK", (await s2.CommandAsync(CancellationToken.None, "SELECT", "3")).AsString());
            Assert.Equal("OK", (await s2.CommandAsync(CancellationToken.None, "SET", "in:db3", "yes")).AsString());
        }
        var refused = await sites.CommandAsync("s1", "SET", "visits:1", "0");
        Assert.Contains("is a counter", refused.AsString());

        Assert.Equal("OK", (await sites.CommandAsync("s1", "CHORUS.LINK", "HEAL", "s2")).AsString());
        Assert.Equal("OK", (await sites.CommandAsync("s2", "CHORUS.LINK", "HEAL", "s1")).AsString());
        foreach (var site in sites.Sites)
        {
            await ProcessCluster.Eventually(async () => (await sites.CommandAsync(site.Id, "HLEN", "page:1")).AsInteger() == 4, TimeSpan.FromSeconds(60), $"{site.Id} has every field");
            await ProcessCluster.Eventually(async () => (await sites.CommandAsync(site.Id, "GET", "visits:1")).AsString() == "111", TimeSpan.FromSeconds(60), $"{site.Id} counts every increment");
            await ProcessCluster.Eventually(async () => (await sites.CommandAsync(site.Id, "HGET", "page:1", "title")).AsString() == "C", TimeSpan.FromSeconds(60), $"{site.Id} shows the later title");
            Assert.Equal(1, (await sites.CommandAsync(site.Id, "SISMEMBER", "page:1:tags", "draft")).AsInteger());
            Assert.Equal(["db", "draft"], (await sites.CommandAsync(site.Id, "SMEMBERS", "page:1:tags")).Items.Select(i => i.AsString()).Order());
            Assert.Equal("ada@example.com", (await sites.CommandAsync(site.Id, "HGET", "page:1", "email")).AsString());
            await using var connection = await RespConnection.ConnectAsync("127.0.0.1", site.Port, TimeSpan.FromSeconds(5), CancellationToken.None);
            await connection.CommandAsync(CancellationToken.None, "SELECT", "3");
            await ProcessCluster.Eventually(async () => (await connection.CommandAsync(CancellationToken.None, "GET", "in:db3")).AsString() == "yes", TimeSpan.FromSeconds(60), $"{site.Id} has the database-3 key");
        }

        // The title's losing value is in the conflict log of the site that resolved it, with the field.
        var conflicts = string.Join(" ", Flatten(await sites.CommandAsync("s1", "CHORUS.CONFLICTS")));
        Assert.Contains("page:1", conflicts);
        Assert.Contains("title", conflicts);
        Assert.Contains(" B ", conflicts + " ");
        // lww keeps the concurrent versions of the field (reads show the newest) until a write that saw both.
        Assert.Equal(["B", "C"], SiblingValues(await sites.CommandAsync("s1", "CHORUS.SIBLINGS", "page:1", "title")).Order());
    }

    /// The custom policy with the built-in union resolver: two carts edited at two sites show as one.
    [Fact]
    public async Task A_custom_resolver_merges_concurrent_values_the_same_way_at_every_site()
    {
        await using var sites = await SiteProcesses.StartAsync(3, "--conflict-policies", "cart:*=custom:union");
        Assert.Equal("OK", (await sites.CommandAsync("s1", "CHORUS.LINK", "CUT", "s2")).AsString());
        Assert.Equal("OK", (await sites.CommandAsync("s2", "CHORUS.LINK", "CUT", "s1")).AsString());
        await sites.CommandAsync("s1", "SET", "cart:9", "milk,tea");
        await sites.CommandAsync("s2", "SET", "cart:9", "eggs,milk");
        Assert.Equal("OK", (await sites.CommandAsync("s1", "CHORUS.LINK", "HEAL", "s2")).AsString());
        Assert.Equal("OK", (await sites.CommandAsync("s2", "CHORUS.LINK", "HEAL", "s1")).AsString());
        await sites.WaitForValueAsync("cart:9", "eggs,milk,tea");
        Assert.Equal(["eggs,milk", "milk,tea"], SiblingValues(await sites.CommandAsync("s3", "CHORUS.SIBLINGS", "cart:9")).Order());
    }

    /// <summary>
    /// Settings change while the sites run (CHORUS.SITECONFIG at any site leader) and reach every
    /// site: the topology, the conflict policies and a site declared failed. Bad changes are
    /// refused with the reason.
    /// </summary>
    [Fact]
    public async Task Topology_policies_and_failed_sites_change_at_runtime_and_reach_every_site()
    {
        await using var sites = await SiteProcesses.StartAsync(3, "--conflict-policies", "visits:*=counter");
        Assert.Equal("OK", (await sites.CommandAsync("s2", "CHORUS.SITECONFIG", "TOPOLOGY", "star s1")).AsString());
        await WaitForSettingAsync(sites, "site_topology", "star s1");

        Assert.Equal("OK", (await sites.CommandAsync("s3", "CHORUS.SITECONFIG", "POLICIES", "visits:*=counter;page:*=siblings")).AsString());
        await ProcessCluster.Eventually(async () => (await SitesField(sites, "s1", "policies")) == "visits:*=counter;page:*=siblings", TimeSpan.FromSeconds(30), "s1 has s3's policies");

        // Writes still travel in the new topology: s2 -> hub s1 -> s3.
        Assert.Equal("OK", (await sites.CommandAsync("s2", "SET", "after-change", "star")).AsString());
        await sites.WaitForValueAsync("after-change", "star");

        Assert.Equal("OK", (await sites.CommandAsync("s1", "CHORUS.SITECONFIG", "FAIL", "s3")).AsString());
        await WaitForSettingAsync(sites, "site_failed_sites", "s3");
        Assert.Equal("OK", (await sites.CommandAsync("s1", "CHORUS.SITECONFIG", "RECOVER", "s3")).AsString());
        await WaitForSettingAsync(sites, "site_failed_sites", "");

        Assert.Contains("unknown topology", (await sites.CommandAsync("s1", "CHORUS.SITECONFIG", "TOPOLOGY", "tree")).AsString());
        Assert.Contains("is not a site", (await sites.CommandAsync("s1", "CHORUS.SITECONFIG", "TOPOLOGY", "star s9")).AsString());
        Assert.Contains("is not a site", (await sites.CommandAsync("s1", "CHORUS.SITECONFIG", "FAIL", "s9")).AsString());
        Assert.Contains("counter rules cannot change", (await sites.CommandAsync("s1", "CHORUS.SITECONFIG", "POLICIES", "*=lww")).AsString());
        Assert.Contains("unknown conflict policy", (await sites.CommandAsync("s1", "CHORUS.SITECONFIG", "POLICIES", "visits:*=counter;a=b")).AsString());
        Assert.Equal("star s1", (await sites.InfoAsync("s2", "sites"))["site_topology"]);
    }

    private static async Task WaitForSettingAsync(SiteProcesses sites, string field, string expected)
    {
        foreach (var site in sites.Sites)
        {
            await ProcessCluster.Eventually(async () => (await sites.InfoAsync(site.Id, "sites")).GetValueOrDefault(field) == expected,
                TimeSpan.FromSeconds(30), $"{site.Id} reports {field}={expected}");
        }
    }

    private static async Task<string?> SitesField(SiteProcesses sites, string site, string field)
    {
        var reply = await sites.CommandAsync(site, "CHORUS.SITES");
        var items = reply.Items;
        for (var i = 0; i + 1 < items.Count; i += 2)
        {
            if (items[i].AsString() == field)
            {
                return items[i + 1].AsString();
            }
        }
        return null;
    }

    /// A policy naming a resolver no assembly provides stops the node at start.
    [Fact]
    public async Task An_unknown_resolver_stops_a_site_at_start_with_a_clear_error()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await SiteProcesses.StartAsync(2, "--conflict-policies", "doc:*=custom:nope"));
        Assert.Contains("no resolver named 'nope'", error.Message);
    }

    /// A site whose settings are wrong stops at start, and the harness says so at once, with the node's output.
    [Fact]
    public async Task A_site_that_exits_at_startup_fails_the_start_at_once_with_its_output()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await SiteProcesses.StartAsync(2, "--topology", "pentagon"));
        Assert.Contains("exited while the sites were starting", error.Message);
        Assert.Contains("unknown topology 'pentagon'", error.Message);
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
        // `chorus status` shows the cut links and what each cut-off site is missing.
        var endpoints = string.Join(',', sites.Sites.Select(s => $"127.0.0.1:{s.Port}"));
        var (exit, status) = await NodeProcess.RunCliAsync(TimeSpan.FromSeconds(60), "status", "--endpoints", endpoints);
        Assert.True(exit == 0, status);
        Assert.Contains("multi-leader: topology", status);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(status, @"s1n1 .* s1 .* site leader .* s2 cut 1/\d+ms"), status);

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
