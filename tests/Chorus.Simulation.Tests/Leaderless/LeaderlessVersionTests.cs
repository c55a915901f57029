using Chorus.Core;
using Chorus.Replication.Leaderless;

namespace Chorus.Simulation.Tests.Leaderless;

/// <summary>
/// DDIA ch. 5, "Detecting concurrent writes": dotted version vectors keep exactly the writes no
/// other write saw — concurrent ones as siblings — and a write with a context replaces what it saw.
/// </summary>
public sealed class LeaderlessVersionTests
{
    private static readonly NodeId N1 = new("n1"), N3 = new("n3");

    [Fact]
    public void Concurrent_blind_writes_become_siblings_and_a_write_with_their_context_resolves_them()
    {
        var cluster = LeaderlessRepairTests.Started(34, nodes: 3, new LeaderlessSettings());
        cluster.Call(N1, "CHORUS.PUTV", "cart", "", "milk");
        cluster.Call(N3, "CHORUS.PUTV", "cart", "", "eggs");

        var read = cluster.Call(new NodeId("n2"), "CHORUS.GETV", "cart");
        Assert.Equal(["eggs", "milk"], read.Items.Skip(1).Select(v => v.AsString()!).Order());
        Assert.Contains(cluster.Call(N1, "GET", "cart").AsString(), new[] { "milk", "eggs" });

        cluster.Call(N3, "CHORUS.PUTV", "cart", read.Items[0].AsString()!, "milk,eggs");
        var merged = cluster.Call(N1, "CHORUS.GETV", "cart", "R", "3");
        Assert.Equal(["milk,eggs"], merged.Items.Skip(1).Select(v => v.AsString()!));
    }

    /// Issue 12: two clients write in turns through one coordinator, each with the context its own
    /// last write returned (so it never saw the other's latest write). Dots keep two siblings; the
    /// broken plain-vector scheme (one version vector per key) keeps every write.
    [Theory]
    [InlineData(VersionScheme.Dotted, 2)]
    [InlineData(VersionScheme.PlainVectors, 20)]
    public void Writers_taking_turns_through_one_coordinator_keep_two_siblings_with_dots_and_all_with_plain_vectors(VersionScheme scheme, int siblings)
    {
        var cluster = LeaderlessRepairTests.Started(36, nodes: 3, new LeaderlessSettings { Versions = scheme });
        var contexts = new[] { "", "" };
        for (var write = 0; write < 20; write++)
        {
            var client = write % 2;
            var reply = cluster.Call(N1, "CHORUS.PUTV", "doc", contexts[client], $"c{client}-{write}");
            Assert.False(reply.IsError, reply.ToString());
            contexts[client] = reply.AsString()!;
        }

        var read = cluster.Call(N3, "CHORUS.GETV", "doc", "R", "3");
        Assert.Equal(siblings, read.Items.Count - 1);
        if (scheme == VersionScheme.Dotted)
        {
            Assert.Equal(["c0-18", "c1-19"], read.Items.Skip(1).Select(v => v.AsString()!).Order());
        }
    }
}
