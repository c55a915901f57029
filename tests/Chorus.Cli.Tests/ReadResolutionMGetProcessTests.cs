using Chorus.Cli.Tests.Support;

namespace Chorus.Cli.Tests;

/// <summary>
/// DDIA ch. 5, "Custom conflict resolution logic — on read", for MGET: a key among several that
/// holds concurrent carts is answered with the <c>cart</c> handler's union and the union is written
/// back (replacing both carts at both sites); the other keys show what MGET always shows.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class ReadResolutionMGetProcessTests
{
    [Fact]
    public async Task An_mget_resolves_the_keys_with_siblings_and_shows_the_others_as_usual()
    {
        await using var sites = await SiteProcesses.StartAsync(2, "--conflict-policies", "cart:*=custom:cart");
        Assert.Equal("OK", (await sites.CommandAsync("s1", "CHORUS.LINK", "CUT", "s2")).AsString());
        Assert.Equal("OK", (await sites.CommandAsync("s2", "CHORUS.LINK", "CUT", "s1")).AsString());
        await sites.CommandAsync("s1", "SET", "cart:9", "milk,tea");
        await sites.CommandAsync("s2", "SET", "cart:9", "eggs,milk");
        await sites.CommandAsync("s1", "SET", "page:1", "plain");
        await sites.CommandAsync("s1", "HSET", "row:1", "f", "v");
        Assert.Equal("OK", (await sites.CommandAsync("s1", "CHORUS.LINK", "HEAL", "s2")).AsString());
        Assert.Equal("OK", (await sites.CommandAsync("s2", "CHORUS.LINK", "HEAL", "s1")).AsString());
        await ProcessCluster.Eventually(async () => Siblings(await sites.CommandAsync("s2", "CHORUS.SIBLINGS", "cart:9")).Count == 2 && (await sites.CommandAsync("s2", "EXISTS", "page:1", "row:1")).AsInteger() == 2,
            TimeSpan.FromSeconds(60), "s2 holds both carts and s1's other keys");

        var values = (await sites.CommandAsync("s2", "MGET", "page:1", "cart:9", "row:1", "nothing")).Items.Select(v => v.AsString()).ToList();
        Assert.Equal(["plain", "eggs,milk,tea", null, null], values);

        foreach (var site in sites.Sites)
        {
            await ProcessCluster.Eventually(async () => Siblings(await sites.CommandAsync(site.Id, "CHORUS.SIBLINGS", "cart:9")) is ["eggs,milk,tea"], TimeSpan.FromSeconds(60), $"{site.Id} holds the resolved cart alone");
        }
        Assert.Equal("1", (await sites.InfoAsync("s2", "sites"))["site_read_resolutions"]);
    }

    /// <summary>The values CHORUS.SIBLINGS lists (RESP2: context, its value, "siblings", one map per value).</summary>
    private static List<string> Siblings(Resp.RespValue reply) => [.. reply.Items[3].Items.Select(s => s.Items[1].AsString()!)];
}
