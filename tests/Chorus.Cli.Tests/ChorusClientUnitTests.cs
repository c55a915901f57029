using System.Net;
using Chorus.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Chorus.Cli.Tests;

/// <summary>The client's pieces that need no cluster: tokens, options, routing, registration.</summary>
public sealed class ChorusClientUnitTests
{
    [Fact]
    public void Tokens_merge_to_the_larger_position_of_each_log_and_round_trip_as_text()
    {
        var a = SessionToken.Parse("v1:sl=42");
        var b = SessionToken.Parse("v1:sl=40,site-b=7");
        var merged = a.Merge(b);
        Assert.Equal("v1:site-b=7,sl=42", merged.ToString());
        Assert.Equal(merged, SessionToken.Parse(merged.ToString()));
        Assert.Same(merged, merged.Merge(a));
        Assert.True(SessionToken.Empty.IsEmpty);
        Assert.Equal("", SessionToken.Empty.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("sl=4")]
    [InlineData("v2:sl=4")]
    [InlineData("v1:sl")]
    [InlineData("v1:sl=-1")]
    [InlineData("v1:=4")]
    public void Malformed_tokens_are_refused(string text) =>
        Assert.Throws<FormatException>(() => SessionToken.Parse(text));

    /// Right after a failover StackExchange.Redis may still see the new leader as a replica and
    /// refuse to send a write there: that write never left the client, so it is retried (after
    /// the multiplexer re-reads the roles), never reported in doubt.
    [Fact]
    public void A_write_the_library_refused_to_send_to_a_stale_replica_is_not_applied()
    {
        var refused = new StackExchange.Redis.RedisCommandException("Command cannot be issued to a replica: SET");
        Assert.True(ServerReplies.IsStaleReplicaView(refused));
        Assert.True(ServerReplies.WriteNotApplied(refused));
        Assert.False(ServerReplies.WriteInDoubt(refused));
        Assert.False(ServerReplies.WriteNotApplied(new StackExchange.Redis.RedisCommandException("some other refusal")));
    }

    [Fact]
    public void Bad_options_are_refused_naming_the_setting()
    {
        Assert.Contains("Endpoints is empty", Assert.Throws<ArgumentException>(() => new ChorusClient(new ChorusClientOptions())).Message);
        Assert.Contains("'localhost' is not host:port", Invalid(o => o.Endpoints.Add("localhost")));
        Assert.Contains("StalenessBound is negative", Invalid(o => o.StalenessBound = TimeSpan.FromMilliseconds(-1)));
        Assert.Contains("TopologyRefreshInterval must be positive", Invalid(o => o.TopologyRefreshInterval = TimeSpan.Zero));
        Assert.Contains("FollowerReadWait: at most 60 s", Invalid(o => o.FollowerReadWait = TimeSpan.FromMinutes(2)));
        Assert.Contains("is not a read level", Invalid(o => o.DefaultLevel = (ReadLevel)42));
        Assert.Throws<ArgumentOutOfRangeException>(() => ReadConsistency.BoundedBy(TimeSpan.FromMilliseconds(-5)));

        static string Invalid(Action<ChorusClientOptions> change)
        {
            var options = new ChorusClientOptions { Endpoints = { "127.0.0.1:7379" } };
            change(options);
            return Assert.Throws<ArgumentException>(options.Validate).Message;
        }
    }

    [Fact]
    public void Reads_go_to_a_follower_whose_link_is_up_and_lag_is_within_the_bound_and_strong_reads_to_the_leader()
    {
        var leader = Node("n1", "leader", lagMs: 0, linkUp: true);
        var fresh = Node("n2", "follower", lagMs: 10, linkUp: true);
        var stale = Node("n3", "follower", lagMs: 900, linkUp: true);
        var cut = Node("n4", "follower", lagMs: 0, linkUp: false);
        var topology = ClusterTopology.From([leader, fresh, stale, cut], DateTimeOffset.UnixEpoch);
        Assert.Same(leader, topology.Leader);

        Assert.Same(fresh, ReadRouting.Follower(topology, ReadConsistency.BoundedBy(TimeSpan.FromMilliseconds(100)), readFromFollowers: true, turn: 1));
        Assert.Null(ReadRouting.Follower(topology, ReadConsistency.BoundedBy(TimeSpan.FromMilliseconds(5)), readFromFollowers: true, turn: 0));
        Assert.Equal(["n2", "n3"], Enumerable.Range(0, 2).Select(turn => ReadRouting.Follower(topology, ReadConsistency.Eventual, true, turn)!.NodeId).Order());
        Assert.Null(ReadRouting.Follower(topology, ReadConsistency.Strong, readFromFollowers: true, turn: 0));
        Assert.Null(ReadRouting.Follower(topology, ReadConsistency.Eventual, readFromFollowers: false, turn: 0));
    }

    [Fact]
    public void The_newest_epochs_leader_leads_when_a_deposed_one_still_says_it_does()
    {
        var deposed = Node("n1", "leader", lagMs: 0, linkUp: true) with { Epoch = 3 };
        var current = Node("n2", "leader", lagMs: 0, linkUp: true) with { Epoch = 4 };
        Assert.Same(current, ClusterTopology.From([deposed, current], DateTimeOffset.UnixEpoch).Leader);
    }

    [Fact]
    public async Task The_registration_validates_options_and_gives_one_client()
    {
        var good = new ServiceCollection().AddChorusClient(o => o.Endpoints.Add("127.0.0.1:7379")).BuildServiceProvider();
        await using (good)
        {
            Assert.Same(good.GetRequiredService<ChorusClient>(), good.GetRequiredService<ChorusClient>());
        }
        var bad = new ServiceCollection().AddChorusClient(o => o.Endpoints.Add("nowhere")).BuildServiceProvider();
        await using (bad)
        {
            Assert.Contains("'nowhere' is not host:port", Assert.Throws<OptionsValidationException>(() => bad.GetRequiredService<ChorusClient>()).Message);
        }
    }

    [Fact]
    public void Info_replication_gives_the_nodes_role_epoch_and_lag()
    {
        var state = InfoReplication.Parse(new DnsEndPoint("127.0.0.1", 7380),
            "# Replication\r\nrole:slave\r\nmaster_link_status:down\r\nchorus_lag_entries:12\r\nchorus_lag_ms:340\r\nchorus_node_id:n2\r\nchorus_role:follower\r\nchorus_epoch:7\r\n");
        Assert.Equal(("n2", "follower", 7L, 340L, 12L, false), (state.NodeId, state.Role, state.Epoch, state.LagMs, state.LagEntries, state.LinkUp));
    }

    private static NodeState Node(string id, string role, long lagMs, bool linkUp) =>
        new(new DnsEndPoint("127.0.0.1", 7000 + id[1]), id, role, 1, lagMs, lagMs / 10, linkUp);
}
