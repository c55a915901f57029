using Chorus.Core;
using Chorus.Simulation.Clients;

namespace Chorus.Simulation.Tests.Clients;

/// <summary>
/// Which errors a client may retry elsewhere (nothing happened) and which leave the write in
/// doubt (never retried: a retry could apply it twice) — the replies the driver and the server give.
/// </summary>
public sealed class RedirectTests
{
    [Theory]
    [InlineData("READONLY You can't write against a read only replica (the leader is n2).", "n2")]
    [InlineData("TRYAGAIN leadership moved to n3 (epoch 4); the write was not applied; retry", "n3")]
    [InlineData("MOVED 0 n2.sim:6379", "n2")]
    [InlineData("TRYAGAIN no leader is known yet (an election may be under way); retry", null)]
    [InlineData("TRYAGAIN no leader: n1 lost contact with a majority of the cluster (heard from 1 of 3 voters in the last 1000 ms), so it stopped leading", null)]
    [InlineData("MASTERDOWN Link with the leader n1 is down (Unavailable); the write was not applied, retry later", null)]
    public void Refusals_that_did_nothing_are_redirects(string error, string? leader)
    {
        var redirect = Redirect.From(error);
        Assert.NotNull(redirect);
        Assert.Equal(leader is null ? null : new NodeId(leader), redirect.Leader);
    }

    [Theory]
    [InlineData("TRYAGAIN leadership moved to n2 (epoch 3); the write may or may not have been applied; retry")]
    [InlineData("TRYAGAIN this node stopped leading (a newer epoch began); the write may or may not have been applied; retry")]
    [InlineData("NOREPLICAS Not enough good replicas to write: not confirmed by 1 follower(s) (semi-sync any 1, flushed) within 1000 ms. The write is applied on the leader and may still replicate, or be lost in a failover.")]
    public void Replies_that_leave_the_write_in_doubt_are_not_retried(string error)
    {
        Assert.Null(Redirect.From(error));
        Assert.True(ReplyReader.InDoubt(error));
    }

    [Theory]
    [InlineData("WRONGTYPE Operation against a key holding the wrong kind of value")]
    [InlineData("NOREPLICAS Not enough good replicas to accept writes (semi-sync any 1, policy fail)")]
    public void Other_errors_are_definite_failures(string error)
    {
        Assert.Null(Redirect.From(error));
        Assert.False(ReplyReader.InDoubt(error));
    }
}
