using Chorus.Commands.Data;
using Chorus.Commands.Execution;
using Chorus.Core;
using Chorus.Core.Sites;
using Chorus.Replication;

namespace Chorus.Node.Tests.Sites;

/// <summary>
/// DDIA ch. 5, "Conflict avoidance", while a home moves: the routing decision at a site leader
/// never makes a write to a key at a site that does not hold it now — a write routed here by a
/// site whose settings are older is refused when this site's settings home the key elsewhere; a
/// leader that has not yet heard from the site that stands in for it refuses writes to its own
/// keys; and a successor handing a returning site's keys back takes no more writes to them.
/// </summary>
public sealed class HomeHandoverRoutingTests
{
    private static readonly CommandTable Commands = new(DataCommands.All);

    private readonly Router _router = new();
    private readonly HomeRouting _homes;

    public HomeHandoverRoutingTests()
    {
        _homes = new HomeRouting(_router, Commands, new WriteForwarding(new NoLink(), timeoutMs: 5000, visibilityWaitMs: 1000));
        _router.Settings = SiteSettings.Default with { Homes = [new HomeRule("acct:*", new NodeId("s1")), new HomeRule("inv:*", new NodeId("s2"))] };
    }

    private static ClientWriteBatch Routed(string key, string from)
    {
        var batch = new ClientWriteBatch { ForwardedBy = new NodeId(from) };
        batch.Commands.Add(["SET", key, "x"]);
        return batch;
    }

    [Fact]
    public void A_write_routed_here_by_a_site_with_older_settings_is_refused_when_the_key_lives_elsewhere_now()
    {
        using var moved = Routed("acct:1", "s3n1");
        Assert.True(_homes.Routed(moved, 0));
        Assert.Equal("TRYAGAIN the key's home site s2 could not take the write (this site's settings name s1 as the key's home now; the sending site's are older); the write was not applied, retry later", moved.Error);

        using var free = Routed("page:1", "s3n1");
        Assert.False(_homes.Routed(free, 0), "a key with no home here is made here: the sender may know a rule this site has not heard of yet");
    }

    [Fact]
    public void A_leader_that_has_not_heard_from_its_stand_in_refuses_writes_to_its_own_keys_only()
    {
        _router.Confirmed = false;
        using var own = Routed("inv:1", "s2n2");
        Assert.True(_homes.Routed(own, 0));
        Assert.StartsWith("TRYAGAIN the key's home site s2 could not take the write (this site's leader has not yet heard the shared settings", own.Error);

        using var routedHere = Routed("inv:1", "s3n1");
        Assert.True(_homes.Routed(routedHere, 0), "a write another site routed here waits as well");

        using var free = Routed("page:1", "s2n2");
        Assert.False(_homes.Routed(free, 0));

        _router.Confirmed = true;
        using var later = Routed("inv:1", "s2n2");
        Assert.False(_homes.Routed(later, 0));
    }

    [Fact]
    public void A_successor_handing_keys_back_to_a_returning_site_takes_no_more_writes_to_them()
    {
        _router.Settings = _router.Settings with { ReturningSites = [new NodeId("s1")] };
        using var beforeDraining = Routed("acct:1", "s2n2");
        Assert.False(_homes.Routed(beforeDraining, 0), "s1 is returning: s2 holds its keys until the handover");

        _router.MovingBack = [new NodeId("s1")];
        using var draining = Routed("acct:1", "s2n2");
        Assert.True(_homes.Routed(draining, 0));
        Assert.Equal("TRYAGAIN the key's home site s1 could not take the write (its keys are moving back to it from s2, which takes no more writes to them); the write was not applied, retry later", draining.Error);

        using var own = Routed("inv:1", "s2n2");
        Assert.False(_homes.Routed(own, 0), "s2's own keys are not moving");
    }

    private sealed class Router : ISiteRouter
    {
        public NodeId Site { get; } = new("s2");

        public IReadOnlyList<NodeId> SiteIds { get; } = [new("s1"), new("s2"), new("s3")];

        public SiteSettings Settings { get; set; } = SiteSettings.Default;

        public bool Confirmed { get; set; } = true;

        public IReadOnlyCollection<NodeId> MovingBack { get; set; } = [];

        bool ISiteRouter.HomesConfirmed => Confirmed;

        IReadOnlyCollection<NodeId> ISiteRouter.HomesMovingBack => MovingBack;

        public bool InOwnSite(NodeId node) => node.Value.StartsWith(Site.Value + "n", StringComparison.Ordinal);

        public NodeId? RouteTo(NodeId site) => new NodeId($"{site}n1");
    }

    private sealed class NoLink : IForwardLink
    {
        public void Send(NodeId leader, ForwardRequest request) => throw new InvalidOperationException("nothing is routed in these tests");

        public void Cancel(long id)
        {
        }
    }
}
