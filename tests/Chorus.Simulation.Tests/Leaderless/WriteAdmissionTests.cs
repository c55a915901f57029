using Chorus.Core;
using Chorus.Replication.Leaderless;
using Chorus.Resp;

namespace Chorus.Simulation.Tests.Leaderless;

/// <summary>
/// A contact node runs a bounded number of write quorums at once: a pipeline of writes waits in
/// arrival order instead of starting every quorum together (which timed them all out on a busy
/// machine), and a queue past its bound refuses at once with a message saying so.
/// </summary>
public sealed class WriteAdmissionTests
{
    private static readonly NodeId N1 = new("n1");

    [Fact]
    public void A_burst_of_writes_waits_for_quorum_slots_and_past_the_queue_is_refused_with_a_clear_error()
    {
        var settings = new LeaderlessSettings { N = 3, W = 2, R = 2, WritesInFlightMax = 4, WritesWaitingMax = 10 };
        var cluster = LeaderlessRepairTests.Started(71, nodes: 3, settings);
        var replies = new RespValue?[30];
        for (var i = 0; i < replies.Length; i++)
        {
            var index = i;
            cluster.Send(N1, ["SET", $"burst:{i}", $"v{i}"], reply => replies[index] = reply);
        }
        Assert.True(cluster.RunUntil(() => replies.All(r => r is not null), 10_000), "seed 71: every write of the burst is answered");

        // The clients' requests reach n1 over a few loop rounds: 4 start, 10 wait (the refusals
        // count them), and the rest of the burst that arrives before slots free up is refused
        // (later arrivals may find room); the waiting ones are all written.
        var written = Enumerable.Range(0, replies.Length).Where(i => replies[i]!.AsString() == "OK").ToList();
        var refused = Enumerable.Range(0, replies.Length).Except(written).ToList();
        Assert.InRange(written.Count, 14, 29);
        Assert.All(refused, i => Assert.Equal("ERR 10 writes are already waiting at n1 for one of its 4 quorum slots; retry later", replies[i]!.AsString()));
        Assert.Equal(0, cluster.Status(N1)!.WritesWaiting);
        Assert.All(written, i => Assert.Equal($"v{i}", cluster.Call(N1, "GET", $"burst:{i}").AsString()));
        Assert.All(refused, i => Assert.True(cluster.Call(N1, "GET", $"burst:{i}").IsNull, $"refused write {i} was not applied"));
        Assert.Empty(cluster.Failures);
    }
}
