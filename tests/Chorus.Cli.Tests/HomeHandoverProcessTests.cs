using Chorus.Cli.Tests.Support;

namespace Chorus.Cli.Tests;

/// <summary>
/// DDIA ch. 5, "Conflict avoidance", with real site processes: a home site declared failed and
/// then recovered gets its keys back through the handover — returning first (its keys stay at the
/// successor), then home again once it has the successor's writes — as INFO shows, and a write
/// to its keys is then made at it, with no conflict.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class HomeHandoverProcessTests
{
    [Fact]
    public async Task A_recovered_home_site_gets_its_keys_back_once_it_has_the_successors_writes()
    {
        await using var sites = await SiteProcesses.StartAsync(2, "--home-sites", "acct:*=s1");

        Assert.Equal("OK", (await sites.CommandAsync("s2", "CHORUS.SITECONFIG", "FAIL", "s1")).AsString());
        Assert.Equal("acct:*=s1(failed: s2)", (await sites.InfoAsync("s2", "sites"))["site_homes"]);
        Assert.Equal("OK", (await sites.CommandAsync("s2", "SET", "acct:1", "at-s2")).AsString());

        Assert.Equal("OK", (await sites.CommandAsync("s2", "CHORUS.SITECONFIG", "RECOVER", "s1")).AsString());
        foreach (var site in new[] { "s1", "s2" })
        {
            await ProcessCluster.Eventually(
                async () => (await sites.InfoAsync(site, "sites")) is var info && info["site_homes"] == "acct:*=s1" && info["site_returning_sites"] == "",
                TimeSpan.FromSeconds(30),
                $"{site} shows s1 holding its homes again");
        }
        Assert.Equal("at-s2", (await sites.CommandAsync("s1", "GET", "acct:1")).AsString()); // s1 had s2's write before it got the key back

        Assert.Equal("OK", (await sites.CommandAsync("s2", "SET", "acct:1", "after-handover")).AsString());
        Assert.Equal("after-handover", (await sites.CommandAsync("s1", "GET", "acct:1")).AsString()); // made at s1, the home
        await sites.WaitForValueAsync("acct:1", "after-handover");
        foreach (var site in new[] { "s1", "s2" })
        {
            Assert.Equal("0", (await sites.InfoAsync(site, "sites"))["site_conflicts"]);
        }
    }
}
