using System.Security.Cryptography;
using System.Text;
using Chorus.Cli.Tests.Support;

namespace Chorus.Cli.Tests;

/// <summary>
/// DDIA ch. 5, "Statement-based replication", for scripts, with three real processes: under
/// `--log-format statement` a script is logged as the script and each follower runs it again —
/// so it is in the follower's script cache afterwards (SCRIPT EXISTS), as on a Redis replica that
/// executed it — while a script that drew randomness is logged as its effects (the follower never
/// sees it); every replica ends equal (docs/log-formats.md, "Scripts are statements too").
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class ScriptStatementReplicationTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Followers_run_a_script_again_unless_it_drew_randomness_and_converge()
    {
        await using var cluster = await ProcessCluster.StartAsync(3, null, "--log-format", "statement");
        Assert.Equal("n1", await cluster.WaitForLeaderAsync(Deadline));
        await cluster.WaitForFollowersAsync(2);
        const string bump = "redis.call('EXPIRE', KEYS[1], 600); return redis.call('INCRBY', KEYS[1], ARGV[1])";
        const string loadedOnN2 = "return redis.call('INCRBY', KEYS[1], 2)";
        const string random = "local m = redis.call('SPOP', KEYS[1]); return redis.call('INCRBY', KEYS[2], #m)";

        Assert.Equal(5, (await cluster.CommandAsync("n1", "EVAL", bump, "1", "counter", "5")).Integer);
        // Through follower n2: EVALSHA of a script only n2 has (forwarded to the leader with its body).
        Assert.Equal(Sha(loadedOnN2), (await cluster.CommandAsync("n2", "SCRIPT", "LOAD", loadedOnN2)).AsString());
        Assert.Equal(7, (await cluster.CommandAsync("n2", "EVALSHA", Sha(loadedOnN2), "1", "counter")).Integer);
        Assert.Equal(8, (await cluster.CommandAsync("n1", "SADD", "pool", "a", "b", "c", "d", "e", "f", "g", "h")).Integer);
        Assert.Equal(8, (await cluster.CommandAsync("n1", "EVAL", random, "2", "pool", "counter")).Integer);
        await cluster.WaitForReplicationAsync();

        var cached = await cluster.CommandAsync("n3", "SCRIPT", "EXISTS", Sha(bump), Sha(loadedOnN2), Sha(random));
        Assert.Equal([1L, 1L, 0L], cached.Items!.Select(i => i.Integer));
        await cluster.AssertConvergedAsync("n1", "n2");
        await cluster.AssertConvergedAsync("n1", "n3");
        Assert.Equal("8", (await cluster.CommandAsync("n3", "GET", "counter")).AsString());
        Assert.Equal(7, (await cluster.CommandAsync("n3", "SCARD", "pool")).Integer);
    }

    private static string Sha(string script) => Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(script)));
}
