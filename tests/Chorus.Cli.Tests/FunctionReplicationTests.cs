using Chorus.Cli.Tests.Support;

namespace Chorus.Cli.Tests;

/// <summary>
/// Redis 7 Functions with real processes: a library is part of the database. Loaded once on the
/// leader, it is in a follower's replica (FUNCTION LIST there), in the snapshot a re-bootstrapped
/// follower loads, on the new leader after the old one is killed (FCALL works there though that
/// node never ran FUNCTION LOAD), and on the old leader's disk when it restarts.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class FunctionReplicationTests(ITestOutputHelper output)
{
    private const string Library = "#!lua name=counters\n"
        + "redis.register_function('bump', function(keys, args) return redis.call('INCRBY', keys[1], args[1]) end)\n"
        + "redis.register_function{function_name='peek', callback=function(keys) return redis.call('GET', keys[1]) end, flags={'no-writes'}}";

    [Fact]
    public async Task A_library_loaded_on_the_leader_survives_snapshot_bootstrap_failover_and_restart()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var cluster = await ProcessCluster.StartAsync(3, null, "--election-timeout-ms", "1000");
        output.WriteLine($"{clock.ElapsedMilliseconds} ms: cluster up");
        var leader = await cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("counters", (await cluster.CommandAsync(leader, "FUNCTION", "LOAD", Library)).AsString());
        var followers = cluster.Members.Select(m => m.Id).Where(id => id != leader).ToList();
        Assert.Equal(5, (await cluster.CommandAsync(followers[0], "FCALL", "bump", "1", "hits", "5")).AsInteger()); // forwarded to the leader
        await cluster.WaitForReplicationAsync();
        Assert.Single((await cluster.CommandAsync(followers[1], "FUNCTION", "LIST")).Items); // the follower's own replica

        output.WriteLine($"{clock.ElapsedMilliseconds} ms: loaded, called, replicated");
        // A follower rebuilt from the leader's snapshot has the library in it.
        Assert.StartsWith("OK reloading from a snapshot", (await cluster.CommandAsync(followers[1], "CHORUS.RESYNC")).AsString());
        await ProcessCluster.Eventually(async () => (await cluster.TryInfoAsync(followers[1]))?.GetValueOrDefault("chorus_snapshots_installed") == "1",
            TimeSpan.FromSeconds(90), $"{followers[1]} restarts on the leader's snapshot");
        Assert.Equal("counters", (await cluster.CommandAsync(followers[1], "FUNCTION", "LIST")).Items[0].Items[1].AsString());

        output.WriteLine($"{clock.ElapsedMilliseconds} ms: {followers[1]} rebuilt from a snapshot");
        // The leader dies: the new one calls the function it never loaded itself.
        await cluster.KillAsync(leader);
        var newLeader = await cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(30), [.. followers]);
        output.WriteLine($"killed {leader}; {newLeader} leads");
        Assert.Equal(7, (await cluster.CommandAsync(newLeader, "FCALL", "bump", "1", "hits", "2")).AsInteger());
        Assert.Equal("7", (await cluster.CommandAsync(newLeader, "FCALL_RO", "peek", "1", "hits")).AsString());

        output.WriteLine($"{clock.ElapsedMilliseconds} ms: called on the new leader");
        // The old leader restarts from its own disk: the library is still there, and it follows.
        cluster.Start(leader);
        await cluster.WaitForReplicationAsync(TimeSpan.FromSeconds(90));
        output.WriteLine($"{clock.ElapsedMilliseconds} ms: {leader} restarted and caught up");
        var listed = await cluster.CommandAsync(leader, "FUNCTION", "LIST", "LIBRARYNAME", "counters");
        Assert.Equal("counters", listed.Items[0].Items[1].AsString());
        Assert.Equal(10, (await cluster.CommandAsync(leader, "FCALL", "bump", "1", "hits", "3")).AsInteger());
        await cluster.WaitForReplicationAsync();
        foreach (var member in cluster.Members)
        {
            await cluster.AssertConvergedAsync(newLeader, member.Id); // the digest covers the library records
        }
    }
}
