using Chorus.Server.Configuration;

namespace Chorus.Server.Tests.Configuration;

/// <summary>
/// Issue 17, across hosts: the address a node binds is not always the one others can reach it
/// at. A wildcard bind names no reachable address, so a node that binds one announces another
/// (its own peer address's host, or the machine's name); otherwise ROLE, INFO and redirects
/// would send clients to 0.0.0.0.
/// </summary>
public sealed class AnnouncedAddressTests
{
    [Fact]
    public void A_node_announces_its_bind_address_unless_told_otherwise()
    {
        var options = new ChorusOptions { Host = "10.0.0.5", Port = 7400, PeerTls = "no" };
        Assert.Equal("10.0.0.5:7400", options.ClientEndpoint);
        options.AnnounceHost = "db1.example.net";
        options.AnnouncePort = 17400;
        Assert.Equal("db1.example.net:17400", options.ClientEndpoint);
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("*")]
    [InlineData("::")]
    public void A_wildcard_bind_announces_the_nodes_own_peer_host_or_else_the_machines_name(string host)
    {
        var single = new ChorusOptions { Host = host, PeerTls = "no" };
        Assert.Equal(System.Net.Dns.GetHostName() + ":7379", single.ClientEndpoint);
        var member = new ChorusOptions { Host = host, NodeId = "n2", Peers = new() { ["n1"] = "10.0.0.1:17379", ["n2"] = "10.0.0.2:17379" }, Leader = "n1", PeerTls = "no" };
        Assert.Equal("10.0.0.2:7379", member.ClientEndpoint);
        member.AnnounceHost = "db2.example.net";
        Assert.Equal("db2.example.net:7379", member.ClientEndpoint);
    }

    [Fact]
    public void A_single_node_announces_its_peer_address_at_the_announced_host()
    {
        var options = new ChorusOptions { Host = "0.0.0.0", AnnounceHost = "10.0.0.5", Port = 7400, PeerTls = "no" };
        Assert.Equal("10.0.0.5:17400", options.Validate().Single().Value.Authority);
    }

    [Fact]
    public void An_announced_port_out_of_range_is_refused()
    {
        var options = new ChorusOptions { AnnouncePort = 70000, PeerTls = "no" };
        Assert.Throws<ConfigurationError>(() => options.Validate());
    }
}
