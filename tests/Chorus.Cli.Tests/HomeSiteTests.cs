using Chorus.Cli.Tests.Support;
using StackExchange.Redis;

namespace Chorus.Cli.Tests;

/// <summary>
/// DDIA ch. 5, "Conflict avoidance", with real site processes: a key pattern has a home site, so
/// a write to such a key at another site is made at the home first (routed over the
/// authenticated peer link) and two sites writing the key never conflict; keys with two homes
/// in one command are refused; a cut link refuses the write; declaring the home failed moves it.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class HomeSiteTests
{
    [Fact]
    public async Task A_write_at_s2_to_a_key_homed_at_s1_is_made_at_s1_and_both_sites_writing_it_never_conflict()
    {
        await using var sites = await SiteProcesses.StartAsync(2, "--home-sites", "acct:*=s1;inv:*=s2");

        Assert.Equal("OK", (await sites.CommandAsync("s2", "SET", "acct:1", "from-s2")).AsString());
        // Made at s1 before s2 answered: s1 reads it at once, with no waiting for replication.
        Assert.Equal("from-s2", (await sites.CommandAsync("s1", "GET", "acct:1")).AsString());
        await sites.WaitForValueAsync("acct:1", "from-s2");
        Assert.Equal("s1", SiblingSite(await sites.CommandAsync("s2", "CHORUS.SIBLINGS", "acct:1")));
        Assert.Equal("OK", (await sites.CommandAsync("s2", "SET", "free:1", "x")).AsString());
        Assert.Equal("s2", SiblingSite(await sites.CommandAsync("s2", "CHORUS.SIBLINGS", "free:1")));

        // Both sites write the same homed keys at once, pipelined with keys homed here and nowhere.
        await using (var s1 = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{sites["s1"].Port},abortConnect=false"))
        await using (var s2 = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{sites["s2"].Port},abortConnect=false"))
        {
            var writes = new List<Task<bool>>();
            for (var i = 0; i < 60; i++)
            {
                writes.Add(s1.GetDatabase().StringSetAsync($"acct:{i % 6}", $"s1-{i}"));
                writes.Add(s2.GetDatabase().StringSetAsync($"acct:{i % 6}", $"s2-{i}"));
                writes.Add(s2.GetDatabase().StringSetAsync($"inv:{i % 3}", $"s2-{i}"));
                writes.Add(s2.GetDatabase().StringSetAsync($"free:{i % 3}", $"s2-{i}"));
            }
            Assert.All(await Task.WhenAll(writes), Assert.True);
        }
        for (var k = 0; k < 6; k++)
        {
            var value = (await sites.CommandAsync("s1", "GET", $"acct:{k}")).AsString();
            await sites.WaitForValueAsync($"acct:{k}", value);
        }
        foreach (var site in sites.Sites)
        {
            Assert.Empty((await sites.CommandAsync(site.Id, "CHORUS.CONFLICTS")).Items);
            Assert.Equal("0", (await sites.InfoAsync(site.Id, "sites"))["site_conflicts"]);
        }
        Assert.True(long.Parse((await sites.InfoAsync("s2", "sites"))["site_routed_writes"], System.Globalization.CultureInfo.InvariantCulture) >= 61);

        // One command whose keys live at two homes cannot be made at either.
        var crossing = await sites.CommandAsync("s1", "MSET", "acct:1", "a", "inv:1", "b");
        Assert.True(crossing.IsError);
        Assert.StartsWith("CROSSSITE Keys in request don't have the same home site", crossing.AsString());

        // The network between the sites fails: a write homed across it is refused, not made here.
        Assert.Equal("OK", (await sites.CommandAsync("s2", "CHORUS.LINK", "CUT", "s1")).AsString());
        var cut = await sites.CommandAsync("s2", "SET", "acct:1", "lost?");
        Assert.True(cut.IsError);
        Assert.Contains("home site s1 is unreachable", cut.AsString());
        Assert.Equal("OK", (await sites.CommandAsync("s2", "CHORUS.LINK", "HEAL", "s1")).AsString());

        // s1 is declared failed: its keys' home moves to the next site, s2, which makes them itself.
        Assert.Equal("OK", (await sites.CommandAsync("s2", "CHORUS.SITECONFIG", "FAIL", "s1")).AsString());
        Assert.Equal("acct:*=s1(failed: s2);inv:*=s2", (await sites.InfoAsync("s2", "sites"))["site_homes"]);
        Assert.Equal("OK", (await sites.CommandAsync("s2", "SET", "acct:2", "after-failover")).AsString());
        Assert.Equal("s2", SiblingSite(await sites.CommandAsync("s2", "CHORUS.SIBLINGS", "acct:2")));
    }

    /// <summary>The site that made the key's (one) version, from CHORUS.SIBLINGS.</summary>
    private static string? SiblingSite(Resp.RespValue reply)
    {
        var sibling = Assert.Single(reply.Items[3].Items);
        for (var i = 0; i + 1 < sibling.Items.Count; i += 2)
        {
            if (sibling.Items[i].AsString() == "site")
            {
                return sibling.Items[i + 1].AsString();
            }
        }
        return null;
    }
}
