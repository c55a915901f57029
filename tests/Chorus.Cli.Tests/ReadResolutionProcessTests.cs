using Chorus.Cli.Tests.Support;

namespace Chorus.Cli.Tests;

/// <summary>
/// DDIA ch. 5, "Custom conflict resolution logic — on read", with real site processes: two carts
/// written at two sites across a cut link stay as siblings until a client reads the key; that GET
/// answers with the built-in <c>cart</c> handler's union and writes it back with the context it
/// read, which replaces both carts at every site.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class ReadResolutionProcessTests
{
    [Fact]
    public async Task A_read_resolves_the_siblings_and_the_written_back_resolution_reaches_every_site()
    {
        await using var sites = await SiteProcesses.StartAsync(3, "--conflict-policies", "cart:*=custom:cart");
        Assert.Equal("OK", (await sites.CommandAsync("s1", "CHORUS.LINK", "CUT", "s2")).AsString());
        Assert.Equal("OK", (await sites.CommandAsync("s2", "CHORUS.LINK", "CUT", "s1")).AsString());
        await sites.CommandAsync("s1", "SET", "cart:9", "milk,tea");
        await sites.CommandAsync("s2", "SET", "cart:9", "eggs,milk");
        Assert.Equal("OK", (await sites.CommandAsync("s1", "CHORUS.LINK", "HEAL", "s2")).AsString());
        Assert.Equal("OK", (await sites.CommandAsync("s2", "CHORUS.LINK", "HEAL", "s1")).AsString());
        // Only CHORUS.SIBLINGS until the read under test: a GET would resolve the carts itself.
        foreach (var site in sites.Sites)
        {
            await ProcessCluster.Eventually(async () => Siblings(await sites.CommandAsync(site.Id, "CHORUS.SIBLINGS", "cart:9")).Count == 2, TimeSpan.FromSeconds(60), $"{site.Id} holds both carts");
        }

        Assert.Equal("eggs,milk,tea", (await sites.CommandAsync("s3", "GET", "cart:9")).AsString());

        foreach (var site in sites.Sites)
        {
            await ProcessCluster.Eventually(async () => Siblings(await sites.CommandAsync(site.Id, "CHORUS.SIBLINGS", "cart:9")) is ["eggs,milk,tea"], TimeSpan.FromSeconds(60), $"{site.Id} holds the resolved cart alone");
        }
        var info = await sites.InfoAsync("s3", "sites");
        Assert.Equal("1", info["site_read_resolutions"]);
        Assert.Equal("1", info["site_read_writebacks"]);
        Assert.Equal("0", info["site_read_resolver_failures"]);
        // A write-back with a context the key no longer has is refused: nothing is overwritten unseen.
        Assert.Equal(0, (await sites.CommandAsync("s1", "CHORUS.RESOLVE", "cart:9", "{s1:1, s2:1}", "stale")).AsInteger());
        Assert.Equal("eggs,milk,tea", (await sites.CommandAsync("s1", "GET", "cart:9")).AsString());
    }

    /// <summary>The values CHORUS.SIBLINGS lists (RESP2: context, its value, "siblings", one map per value).</summary>
    private static List<string> Siblings(Resp.RespValue reply) => [.. reply.Items[3].Items.Select(s => s.Items[1].AsString()!)];
}
