using Chorus.Cli.Tests.Support;

namespace Chorus.Cli.Tests;

/// <summary>
/// The "dropped" link fault of issue 16 (CHORUS.FAULT LINK DROP, docs/lab.md): a follower that
/// loses a share of what its peers send still ends with the leader's state — the replication
/// protocol resends what was lost — and the command reports how many messages it dropped.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class LinkDropTests(ITestOutputHelper output)
{
    private const int Seed = 3;

    [Fact]
    public async Task A_follower_dropping_its_peer_messages_catches_up_by_the_leaders_resends()
    {
        // A long election timeout: the follower hears from the leader only now and then, and must not campaign meanwhile.
        await using var cluster = await ProcessCluster.StartAsync(2, null, "--fault-commands", "true", "--election-timeout-ms", "10000");
        output.WriteLine($"seed {Seed}");
        // The faulted node must be the follower, with the leader's stream to it up: n1 is only the
        // preferred leader (a slow start can let n2 win), and a stream still connecting carries
        // nothing to drop (CI once saw "dropped 0 messages").
        var leader = await cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(90));
        var follower = leader == "n1" ? "n2" : "n1";
        output.WriteLine($"{leader} leads, {follower} drops");
        Assert.Equal("OK", (await cluster.CommandAsync(leader, "SET", "before", "1")).AsString());
        await cluster.WaitForReplicationAsync(TimeSpan.FromSeconds(90));
        Assert.Equal(0, (await cluster.CommandAsync(follower, "CHORUS.FAULT", "LINK", "DROP", "100", "SEED", $"{Seed}")).Integer);
        await using (var connection = await cluster.ConnectAsync(leader))
        {
            var db = connection.GetDatabase();
            await Task.WhenAll(Enumerable.Range(0, 200).Select(i => db.StringSetAsync($"dropped:{i}", $"v{i}")));
        }
        // Everything the leader sent during the writes was lost.
        var droppedAll = (await cluster.CommandAsync(follower, "CHORUS.FAULT", "LINK", "DROP", "30", "SEED", $"{Seed}")).Integer;
        output.WriteLine($"DROP 100 dropped {droppedAll} messages");
        Assert.True(droppedAll > 0, "the leader's messages during the writes were dropped");

        // Still losing 30%: what n2 missed reaches it again.
        await cluster.WaitForReplicationAsync(TimeSpan.FromSeconds(90));
        Assert.Equal(await cluster.DigestAsync(leader), await cluster.DigestAsync(follower));
        var droppedSome = (await cluster.CommandAsync(follower, "CHORUS.FAULT", "LINK", "DROP", "0")).Integer;
        output.WriteLine($"DROP 30 dropped {droppedSome} messages while {follower} caught up");
        Assert.Equal("OK", (await cluster.CommandAsync(leader, "SET", "after", "1")).AsString());
        await cluster.WaitForReplicationAsync();

        var refused = await cluster.CommandAsync(follower, "CHORUS.FAULT", "LINK", "DROP", "101");
        Assert.Equal("ERR CHORUS.FAULT LINK DROP: the percent must be an integer from 0 to 100", refused.AsString());
        var badSeed = await cluster.CommandAsync(follower, "CHORUS.FAULT", "LINK", "DROP", "5", "SEED", "x");
        Assert.Equal("ERR CHORUS.FAULT LINK DROP <percent> SEED <n>: the seed must be an integer", badSeed.AsString());
    }
}
