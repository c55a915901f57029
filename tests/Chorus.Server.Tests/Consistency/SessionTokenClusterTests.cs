using Chorus.Core;
using Chorus.Replication.Membership;
using Chorus.Replication.Quorum;
using Chorus.Server.Consistency;

namespace Chorus.Server.Tests.Consistency;

/// <summary>
/// Session tokens name the cluster whose log they are a position in (docs/consistency.md,
/// "Tokens"): a token from another cluster is refused with a clear error instead of being read as
/// a position in this one; tokens without a cluster (older ones) are still accepted.
/// </summary>
public sealed class SessionTokenClusterTests
{
    [Fact]
    public void A_token_names_its_cluster_and_parses_back()
    {
        var token = SessionToken.Of(new Lsn(42), "3f9c0a1b2c3d4e5f");
        Assert.Equal("v1:sl.3f9c0a1b2c3d4e5f=42", token.ToString());
        Assert.True(SessionToken.TryParse(token.ToString(), out var parsed, out var error), error);
        Assert.Equal(token, parsed);
        Assert.Null(parsed.ForeignTo("3f9c0a1b2c3d4e5f"));
    }

    [Fact]
    public void A_token_of_another_cluster_is_refused_even_at_a_position_this_cluster_has()
    {
        Assert.True(SessionToken.TryParse("v1:sl.aaaa=1", out var token, out _));
        Assert.Equal("ERR session token is from another cluster ('aaaa'; this is cluster 'bbbb'): a token holds only in the cluster that issued it", token.ForeignTo("bbbb"));
    }

    [Theory]
    [InlineData("v1:sl=42", "bbbb")] // issued before clusters had an identity: accepted as before
    [InlineData("v1:sl.aaaa=42", "")] // a node that has not learned its cluster's identity yet cannot tell
    [InlineData("v1:sl=40,sl.aaaa=42", "aaaa")]
    public void Tokens_that_cannot_be_told_foreign_are_accepted(string text, string cluster)
    {
        Assert.True(SessionToken.TryParse(text, out var token, out var error), error);
        Assert.Equal(new Lsn(42), token.Lsn);
        Assert.Null(token.ForeignTo(cluster));
    }

    [Theory]
    [InlineData("v1:sl.aaaa=1,sl.bbbb=2", "ERR session token names the logs of two clusters ('aaaa' and 'bbbb')")]
    [InlineData("v1:sl.=1", "ERR malformed session token: a cluster id has 1 to 64 characters, not 0")]
    [InlineData("v1:sl.a:b=1", "ERR malformed session token")]
    [InlineData("v1:sl.a!b=1", "ERR malformed session token: a cluster id holds only letters")]
    [InlineData("v1:site-b=1", "ERR session token names log 'site-b', which this cluster does not have")]
    public void Malformed_or_mixed_tokens_are_refused_with_a_clear_error(string text, string expected)
    {
        Assert.False(SessionToken.TryParse(text, out _, out var error));
        Assert.StartsWith(expected, error);
    }

    /// The identity lives in the cluster settings, which every node, snapshot and new member gets from the log.
    [Fact]
    public void The_cluster_id_survives_encoding_of_the_cluster_settings_and_older_settings_have_none()
    {
        var members = new[] { new Member(new NodeId("n1"), "a:1", "a:2", MemberRole.Voter) };
        var settings = new ClusterSettings(members, AckPolicy.Default) { ClusterId = "3f9c0a1b2c3d4e5f" };
        var decoded = ClusterSettings.Decode(settings.Encode());
        Assert.Equal("3f9c0a1b2c3d4e5f", decoded.ClusterId);
        Assert.Equal("3f9c0a1b2c3d4e5f", (decoded with { Ack = AckPolicy.Default with { Count = 0 } }).ClusterId);
        Assert.Equal("", ClusterSettings.Decode(new ClusterSettings(members, AckPolicy.Default).Encode()).ClusterId);
    }
}
