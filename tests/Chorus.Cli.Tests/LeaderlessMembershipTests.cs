using System.Diagnostics;
using System.Globalization;
using Chorus.Cli.Tests.Support;
using Chorus.Client;

namespace Chorus.Cli.Tests;

/// <summary>
/// DDIA ch. 6, "Rebalancing partitions", with real `chorus serve` processes: a fifth node joins a
/// leaderless ring of four (started with --join, added with CHORUS.RING ADD) while a client keeps
/// writing, and then another node leaves (CHORUS.RING REMOVE) and is stopped once its ranges are
/// handed over. Every key reads its last acknowledged write (or a later one). The protocol itself
/// is covered by the simulator (MembershipChangeTests); this proves the IO shell: addresses, peer
/// admission, gossip.
/// The writer overwrites a fixed set of keys: with a new key per write, the data a handover has to
/// stream grew with the machine's speed, and the test with it (three minutes on the CI machine).
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class LeaderlessMembershipTests(ITestOutputHelper output)
{
    private const int KeySpace = 1_000;

    private static readonly string[] Patient = ["--Leaderless:RequestTimeoutMs=5000", "--Leaderless:PeerDownAfterMs=2000"];

    [Fact]
    public async Task A_node_joins_and_another_leaves_while_a_client_writes_and_every_key_keeps_its_last_acknowledged_write()
    {
        var clock = Stopwatch.StartNew();
        await using var cluster = await ProcessCluster.StartLeaderlessAsync(4, ["--n", "3", "--w", "2", "--r", "2", .. Patient]);
        var joiner = cluster.AddMember();
        cluster.NodeArguments[joiner.Id] = ["--join", "true"];
        cluster.Start(joiner.Id);

        using var stop = new CancellationTokenSource();
        var acknowledged = new AcknowledgedWrites();
        var writer = Task.Run(async () =>
        {
            await using var client = await RespConnection.ConnectAsync("127.0.0.1", cluster["n1"].Port, TimeSpan.FromSeconds(5), CancellationToken.None);
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                if (!(await client.CommandAsync(CancellationToken.None, "SET", Key(i), Value(i))).IsError)
                {
                    acknowledged.Add(i);
                }
            }
        }, TestContext.Current.CancellationToken);
        await WaitForWritesAsync(acknowledged, 100);
        output.WriteLine($"{Elapsed(clock)}: the cluster is up and took 100 writes");

        var added = await cluster.CommandAsync("n1", "CHORUS.RING", "ADD", joiner.Id, $"127.0.0.1:{joiner.PeerPort}", $"127.0.0.1:{joiner.Port}");
        Assert.Equal("OK", added.AsString());
        await WaitForHandoverAsync(cluster, ["n1", "n2", "n3", "n4", joiner.Id], version: 2);
        var info = await cluster.InfoAsync(joiner.Id);
        output.WriteLine($"{joiner.Id} streamed {info["leaderless_keys_streamed"]} keys in {info["leaderless_ranges_streamed"]} ranges by {Elapsed(clock)}");
        Assert.True(long.Parse(info["leaderless_keys_streamed"], CultureInfo.InvariantCulture) > 0);
        var duringJoin = acknowledged.Count;

        Assert.Equal("OK", (await cluster.CommandAsync("n3", "CHORUS.RING", "REMOVE", "n2")).AsString());
        await WaitForHandoverAsync(cluster, ["n1", "n2", "n3", "n4", joiner.Id], version: 3);
        Assert.Equal("0", (await cluster.InfoAsync("n2"))["leaderless_ring_member"]);
        output.WriteLine($"{Elapsed(clock)}: n2 has left");
        await cluster.StopAsync("n2");
        await WaitForWritesAsync(acknowledged, acknowledged.Count + 50);
        await stop.CancelAsync();
        await writer;
        output.WriteLine($"{Elapsed(clock)}: {acknowledged.Count} writes acknowledged ({duringJoin} by the end of the join)");

        await using var reader = await RespConnection.ConnectAsync("127.0.0.1", cluster[joiner.Id].Port, TimeSpan.FromSeconds(5), CancellationToken.None);
        foreach (var (key, last) in acknowledged.LastPerKey())
        {
            var value = (await reader.CommandAsync(CancellationToken.None, "GET", Key(key))).AsString();
            var write = value is null ? -1 : int.Parse(value.AsSpan(2), CultureInfo.InvariantCulture);
            Assert.True(write >= last && write % KeySpace == key, $"{Key(key)} reads {value ?? "nil"}, but write {last} ({Value(last)}) was acknowledged");
        }
    }

    private static string Elapsed(Stopwatch clock) => $"{clock.Elapsed.TotalSeconds:F1} s";

    private static Task WaitForWritesAsync(AcknowledgedWrites acknowledged, int count) =>
        ProcessCluster.Eventually(() => Task.FromResult(acknowledged.Count >= count), TimeSpan.FromSeconds(60), $"{count} writes acknowledged");

    /// <summary>Every node runs ring <paramref name="version"/> and waits for no handover.</summary>
    private static Task WaitForHandoverAsync(ProcessCluster cluster, string[] nodes, long version) =>
        ProcessCluster.Eventually(async () =>
        {
            foreach (var node in nodes)
            {
                var info = await cluster.TryInfoAsync(node);
                if (info is null || info["leaderless_ring_version"] != version.ToString(CultureInfo.InvariantCulture) || info["leaderless_ring_moving"] != "0")
                {
                    return false;
                }
            }
            return true;
        }, TimeSpan.FromSeconds(120), $"every node runs ring v{version} and the handover is complete");

    private static string Key(int i) => "k:" + (i % KeySpace).ToString(CultureInfo.InvariantCulture);

    private static string Value(int i) => "v:" + i.ToString(CultureInfo.InvariantCulture);

    /// <summary>The writes the cluster acknowledged: how many, and the last one to each key.</summary>
    private sealed class AcknowledgedWrites
    {
        private readonly int[] lastPerKey = Enumerable.Repeat(-1, KeySpace).ToArray();
        private int count;

        public int Count => Volatile.Read(ref count);

        public void Add(int write)
        {
            lock (lastPerKey)
            {
                lastPerKey[write % KeySpace] = write;
                count++;
            }
        }

        public IEnumerable<(int Key, int Last)> LastPerKey()
        {
            lock (lastPerKey)
            {
                return lastPerKey.Select((last, key) => (key, last)).Where(pair => pair.last >= 0).ToArray();
            }
        }
    }
}
