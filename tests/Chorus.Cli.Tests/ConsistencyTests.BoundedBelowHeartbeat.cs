using System.Diagnostics;

namespace Chorus.Cli.Tests;

/// <summary>
/// Bounded staleness below two heartbeat intervals (docs/consistency.md, "How bounded measures
/// staleness"): an idle follower counts itself 100–200 ms old by heartbeats alone, so a
/// <c>bounded 50</c> read used to wait and be redirected; now the follower asks its leader for a
/// round trip at once and serves the read itself. A partial of <see cref="ConsistencyTests"/> only
/// to share its cluster (default 100 ms heartbeat).
/// </summary>
public sealed partial class ConsistencyTests
{
    [Fact]
    public async Task A_current_idle_follower_serves_a_read_bounded_below_the_heartbeat_itself_without_redirect()
    {
        var cluster = Cluster;
        await using var leader = await ConnectAsync(cluster, "n1");
        await using var follower = await ConnectAsync(cluster, "n2");
        Assert.Equal("OK", (await leader.CommandAsync(None, "SET", "below-heartbeat", "v")).AsString());
        await cluster.WaitForReplicationAsync();

        // ONTIMEOUT redirect: a read the follower could not serve within its wait answers MOVED;
        // a generous wait only absorbs a loaded machine's round trips — heartbeats alone never
        // bring an idle follower under 100 ms, however long it waits.
        var watch = new Stopwatch();
        for (var read = 0; read < 10; read++)
        {
            watch.Restart();
            var reply = await follower.CommandAsync(None, "CHORUS.READ", "bounded", "50", "WAIT", "5000", "ONTIMEOUT", "redirect", "GET", "below-heartbeat");
            output.WriteLine($"bounded 50 at n2: {reply.AsString()} in {watch.Elapsed.TotalMilliseconds:F1} ms");
            Assert.Equal("v", reply.AsString());
        }
    }
}
