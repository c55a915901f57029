using Chorus.Server.Configuration;

namespace Chorus.Server.Tests.Configuration;

/// <summary>
/// Issue 12, bad input at start-up: a leaderless node whose cluster defaults for N, W and R
/// cannot be served refuses to start, saying which setting is wrong (`chorus serve` prints it).
/// </summary>
public sealed class LeaderlessQuorumOptionsTests
{
    private static ChorusOptions Leaderless(int n, int w, int r) => new()
    {
        Family = "leaderless",
        NodeId = "n1",
        Peers = new() { ["n1"] = "127.0.0.1:17379", ["n2"] = "127.0.0.1:17380", ["n3"] = "127.0.0.1:17381" },
        Leader = "n1",
        PeerTls = "no",
        Leaderless = new LeaderlessOptions { N = n, W = w, R = r },
    };

    [Theory]
    [InlineData(3, 4, 2, "Leaderless: W and R must not exceed N (N=3, W=4, R=2)")]
    [InlineData(3, 2, 4, "Leaderless: W and R must not exceed N (N=3, W=2, R=4)")]
    [InlineData(3, 0, 2, "Leaderless: N, W and R must be at least 1 (N=3, W=0, R=2)")]
    [InlineData(4, 2, 2, "Leaderless: N (4) must not exceed the number of nodes (3)")]
    public void Quorums_the_cluster_cannot_serve_are_refused_at_start(int n, int w, int r, string message)
    {
        var error = Assert.Throws<ConfigurationError>(() => Leaderless(n, w, r).Validate());
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void A_quorum_the_cluster_can_serve_is_accepted()
    {
        Assert.Equal(3, Leaderless(3, 2, 2).Validate().Count);
    }
}
