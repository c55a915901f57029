using System.Text;
using Chorus.Commands.Data;
using Chorus.Commands.Execution;
using Chorus.Core;
using Chorus.Core.Sites;
using Chorus.Replication;

namespace Chorus.Node.Tests.Sites;

/// <summary>
/// DDIA ch. 5, "Conflict avoidance", the routing decision at a site leader: a write whose key's
/// home is another site goes to that site's leader (and only once: a batch another site routed
/// here is made here); a request whose keys have two homes is refused; a home that cannot be
/// reached fails the write with a value saying whether it may have been applied.
/// </summary>
public sealed class HomeRoutingTests
{
    private static readonly CommandTable Commands = new(DataCommands.All);

    private readonly Router _router = new(new NodeId("s2"));
    private readonly Link _link = new();
    private readonly WriteForwarding _forwarding;
    private readonly HomeRouting _homes;

    public HomeRoutingTests()
    {
        _forwarding = new WriteForwarding(_link, timeoutMs: 5000, visibilityWaitMs: 1000);
        _homes = new HomeRouting(_router, Commands, _forwarding);
        _router.Settings = SiteSettings.Default with { Homes = [new HomeRule("acct:*", new NodeId("s1")), new HomeRule("inv:*", new NodeId("s2"))] };
    }

    private static ClientWriteBatch Batch(params string[][] commands)
    {
        var batch = new ClientWriteBatch();
        foreach (var command in commands)
        {
            batch.Commands.Add(command);
        }
        return batch;
    }

    [Fact]
    public void A_write_homed_at_another_site_goes_to_that_sites_leader_and_its_reply_is_released_at_once()
    {
        using var batch = Batch(["SET", "acct:1", "10"], ["SET", "free", "x"]);
        Assert.True(_homes.Routed(batch, nowMs: 0));
        var (target, request) = Assert.Single(_link.Sent);
        Assert.Equal(new NodeId("s1n2"), target);
        Assert.Equal(2, _forwarding.RoutedWrites);

        _forwarding.Answer(request.Id, new ForwardAnswer(Encoding.ASCII.GetBytes("+OK\r\n+OK\r\n"), [], new Lsn(42), false, 0), Lsn.Zero, nowMs: 10);
        Assert.True(batch.Completion.IsCompleted, "the LSN is the home site's: nothing to wait for here");
        Assert.Equal(Lsn.Zero, batch.WaitFor);
        Assert.Equal("+OK\r\n+OK\r\n", Encoding.ASCII.GetString(batch.Replies.WrittenSpan));
    }

    [Fact]
    public void Writes_homed_here_or_nowhere_are_made_here()
    {
        using var own = Batch(["SET", "inv:1", "x"]);
        using var free = Batch(["SET", "page:title", "B"]);
        Assert.False(_homes.Routed(own, 0));
        Assert.False(_homes.Routed(free, 0));
        Assert.Empty(_link.Sent);
    }

    [Fact]
    public void A_batch_another_site_routed_here_is_never_routed_again_but_one_from_a_follower_of_this_site_is()
    {
        using var fromOtherSite = Batch(["SET", "inv:1", "x"]);
        fromOtherSite.ForwardedBy = new NodeId("s3n1");
        Assert.False(_homes.Routed(fromOtherSite, 0));
        Assert.Empty(_link.Sent);

        using var fromFollower = Batch(["SET", "acct:1", "x"]);
        fromFollower.ForwardedBy = new NodeId("s2n2");
        Assert.True(_homes.Routed(fromFollower, 0));
    }

    [Fact]
    public void Keys_with_two_homes_in_one_command_are_refused_with_crosssite()
    {
        using var batch = Batch(["MSET", "acct:1", "a", "inv:1", "b"]);
        Assert.True(_homes.Routed(batch, 0));
        Assert.StartsWith("CROSSSITE Keys in request don't have the same home site", batch.Error);
        Assert.Empty(_link.Sent);
    }

    [Fact]
    public void A_declared_failed_home_moves_to_the_next_site_so_its_keys_are_written_there()
    {
        _router.Settings = _router.Settings with { FailedSites = [new NodeId("s1")] };
        using var batch = Batch(["SET", "acct:1", "x"]);
        Assert.False(_homes.Routed(batch, 0), "s2 follows failed s1 in id order: it is the home now");
    }

    [Fact]
    public void An_unreachable_home_fails_the_write_as_not_applied_and_a_silent_one_as_in_doubt()
    {
        _router.Cut = true;
        using var cut = Batch(["SET", "acct:1", "x"]);
        Assert.True(_homes.Routed(cut, 0));
        Assert.Equal("TRYAGAIN the key's home site s1 is unreachable (the link with it is cut); the write was not applied, retry later", cut.Error);
        Assert.False(cut.Outcome!.InDoubt);

        _router.Cut = false;
        using var refused = Batch(["SET", "acct:1", "x"]);
        _homes.Routed(refused, 0);
        _forwarding.Answer(_link.Sent[^1].Request.Id, ForwardAnswer.LinkFailed(ForwardFailure.NotDelivered), Lsn.Zero, 5);
        Assert.StartsWith("TRYAGAIN the key's home site s1 is unreachable (no connection to s1n2)", refused.Error);

        using var silent = Batch(["SET", "acct:1", "x"]);
        _homes.Routed(silent, 0);
        _forwarding.LeaderChanged(new NodeId("s2n3"), new Epoch(9)); // this site's own leadership says nothing about s1's
        Assert.False(silent.Completion.IsCompleted);
        _forwarding.ExpireDue(5000);
        Assert.Equal("TRYAGAIN the key's home site s1 (s1n2) did not answer the routed write in time; the write may or may not have been applied; retry", silent.Error);
        Assert.True(silent.Outcome!.InDoubt);
    }

    private sealed class Router(NodeId site) : ISiteRouter
    {
        public NodeId Site { get; } = site;

        public IReadOnlyList<NodeId> SiteIds { get; } = [new("s1"), new("s2"), new("s3")];

        public SiteSettings Settings { get; set; } = SiteSettings.Default;

        public bool Cut { get; set; }

        public bool InOwnSite(NodeId node) => node.Value.StartsWith(Site.Value + "n", StringComparison.Ordinal);

        public NodeId? RouteTo(NodeId site) => Cut ? null : new NodeId($"{site}n2");
    }

    private sealed class Link : IForwardLink
    {
        public List<(NodeId Target, ForwardRequest Request)> Sent { get; } = [];

        public void Send(NodeId leader, ForwardRequest request) => Sent.Add((leader, request));

        public void Cancel(long id)
        {
        }
    }
}
