using Chorus.Core;
using Chorus.Replication.Leaderless;
using Chorus.Resp;

namespace Chorus.Simulation.Tests.Leaderless;

/// <summary>
/// A contact node waits on a bounded number of read quorums at once, as it does for writes
/// (<see cref="WriteAdmissionTests"/>): a pipeline of reads waits in arrival order instead of
/// sending every fetch together, and a queue past its bound refuses at once with a message saying so.
/// </summary>
public sealed class ReadAdmissionTests
{
    private static readonly NodeId N1 = new("n1");

    [Fact]
    public void A_burst_of_reads_waits_for_quorum_slots_and_past_the_queue_is_refused_with_a_clear_error()
    {
        var settings = new LeaderlessSettings { N = 3, W = 2, R = 2, ReadsInFlightMax = 4, ReadsWaitingMax = 10 };
        var cluster = LeaderlessRepairTests.Started(72, nodes: 3, settings);
        for (var i = 0; i < 30; i++)
        {
            Assert.Equal("OK", cluster.Call(N1, "SET", $"burst:{i}", $"v{i}").AsString());
        }
        var replies = new RespValue?[30];
        for (var i = 0; i < replies.Length; i++)
        {
            var index = i;
            cluster.Send(N1, ["GET", $"burst:{i}"], reply => replies[index] = reply);
        }
        Assert.True(cluster.RunUntil(() => replies.All(r => r is not null), 10_000), "seed 72: every read of the burst is answered");

        // As with writes: 4 start, 10 wait, and the rest of the burst that arrives before slots
        // free up is refused (later arrivals may find room); the waiting ones all read their value.
        var read = Enumerable.Range(0, replies.Length).Where(i => replies[i]!.AsString() == $"v{i}").ToList();
        var refused = Enumerable.Range(0, replies.Length).Except(read).ToList();
        Assert.InRange(read.Count, 14, 29);
        Assert.NotEmpty(refused); // the queue filled: reads waited
        Assert.All(refused, i => Assert.Equal("ERR 10 reads are already waiting at n1 for one of its 4 quorum slots; retry later", replies[i]!.AsString()));
        Assert.Equal(0, cluster.Status(N1)!.ReadsWaiting);
        Assert.All(refused, i => Assert.Equal($"v{i}", cluster.Call(N1, "GET", $"burst:{i}").AsString()));
        Assert.Empty(cluster.Failures);
    }

    [Fact]
    public void Reads_past_the_in_flight_bound_wait_and_then_succeed_when_the_queue_has_room()
    {
        var settings = new LeaderlessSettings { N = 3, W = 2, R = 2, ReadsInFlightMax = 2 };
        var cluster = LeaderlessRepairTests.Started(73, nodes: 3, settings);
        Assert.Equal("OK", cluster.Call(N1, "SET", "k", "v").AsString());
        var replies = new RespValue?[200];
        for (var i = 0; i < replies.Length; i++)
        {
            var index = i;
            cluster.Send(N1, ["GET", "k"], reply => replies[index] = reply);
        }
        Assert.True(cluster.RunUntil(() => replies.All(r => r is not null), 20_000), "seed 73: every read is answered");
        Assert.All(replies, r => Assert.Equal("v", r!.AsString()));
        Assert.Empty(cluster.Failures);
    }
}
