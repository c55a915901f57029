using Chorus.Commands.Sites;
using Chorus.Core;
using Chorus.Core.Sites;

namespace Chorus.Commands.Tests;

/// <summary>
/// DDIA ch. 5, "Conflict avoidance": every write to a key goes to its home site, so no two sites
/// write it concurrently; when the home site is declared failed, its keys' home moves — to the
/// same site everywhere (the next site in id order that is not failed), and back on recovery.
/// </summary>
public sealed class HomeSitesTests
{
    private static readonly IReadOnlyList<NodeId> Sites = [new("s1"), new("s2"), new("s3")];

    private static SiteSettings Homes(params (string Pattern, string Site)[] rules) =>
        SiteSettings.Default with { Homes = [.. rules.Select(r => new HomeRule(r.Pattern, new NodeId(r.Site)))] };

    private static NodeId? HomeOf(SiteSettings settings, string key) => HomeSites.HomeOf(settings, Sites, System.Text.Encoding.UTF8.GetBytes(key));

    private static HomeDecision Decide(SiteSettings settings, params string[] keys) =>
        HomeSites.Decide(settings, Sites, keys.Select(k => (ReadOnlyMemory<byte>)System.Text.Encoding.UTF8.GetBytes(k)));

    [Fact]
    public void The_first_rule_that_matches_names_the_home_and_keys_no_rule_matches_have_none()
    {
        var settings = Homes(("acct:vip:*", "s3"), ("acct:*", "s1"));
        Assert.Equal(new NodeId("s3"), HomeOf(settings, "acct:vip:7"));
        Assert.Equal(new NodeId("s1"), HomeOf(settings, "acct:7"));
        Assert.Null(HomeOf(settings, "page:title"));
    }

    [Fact]
    public void A_failed_home_moves_to_the_next_live_site_in_id_order_wrapping_around()
    {
        var settings = Homes(("a:*", "s1"), ("c:*", "s3"));
        Assert.Equal(new NodeId("s2"), HomeOf(settings with { FailedSites = [new("s1")] }, "a:1"));
        Assert.Equal(new NodeId("s3"), HomeOf(settings with { FailedSites = [new("s1"), new("s2")] }, "a:1"));
        Assert.Equal(new NodeId("s1"), HomeOf(settings with { FailedSites = [new("s3")] }, "c:1"));
        Assert.Null(HomeOf(settings with { FailedSites = [.. Sites] }, "a:1"));
        Assert.Equal(new NodeId("s1"), HomeOf(settings with { FailedSites = [new("s2")] }, "a:1")); // only its own home's failure moves it
    }

    [Fact]
    public void Keys_of_one_request_with_two_homes_cross_and_keys_without_a_home_go_along()
    {
        var settings = Homes(("a:*", "s1"), ("b:*", "s2"));
        Assert.Equal(new NodeId("s1"), Decide(settings, "free", "a:1", "a:2", "other").Home);
        Assert.Null(Decide(settings, "free", "other").Home);
        var crossing = Decide(settings, "a:1", "free", "b:1").Crossing;
        Assert.NotNull(crossing);
        Assert.Equal("CROSSSITE Keys in request don't have the same home site ('a:1' at s1, 'b:1' at s2)", HomeSites.CrossingError(crossing));
    }

    [Fact]
    public void Two_keys_whose_homes_moved_to_the_same_site_no_longer_cross()
    {
        var settings = Homes(("a:*", "s1"), ("b:*", "s2")) with { FailedSites = [new("s1")] };
        Assert.Equal(new NodeId("s2"), Decide(settings, "a:1", "b:1").Home);
    }

    [Fact]
    public void Without_home_rules_every_request_is_made_where_it_is_sent() =>
        Assert.Equal(HomeDecision.Anywhere, Decide(SiteSettings.Default, "a:1", "b:1"));
}
