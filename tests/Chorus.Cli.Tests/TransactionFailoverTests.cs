using System.Globalization;
using System.Text;
using Chorus.Cli.Tests.Support;
using Chorus.Client;
using Chorus.Commands.Logical;
using Chorus.Core.Log;
using Chorus.Server.Hosting;

namespace Chorus.Cli.Tests;

/// <summary>
/// Issue 15, transactions, with real processes: an EXEC is one log entry, so however the leader
/// dies around EXECs, no node ever holds part of a transaction — not the survivors, not the old
/// leader once it returns, not its rollback files — and a follower's own read-only transactions
/// never see half of one either.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class TransactionFailoverTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string> FsyncAlways = new() { ["n1"] = "always", ["n2"] = "always", ["n3"] = "always" };

    [Fact]
    public async Task Killing_the_leader_around_execs_leaves_no_torn_transaction_anywhere()
    {
        const int seed = 20261205;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        await using var cluster = await ProcessCluster.StartAsync(3, FsyncAlways, "--election-timeout-ms", "1000");
        // Transactions go through n3 (forwarded to whichever node leads, or run there if n3 leads),
        // and through the next node when the one it uses dies.
        var writer = TransactionWriter.Start([cluster["n3"].Port, cluster["n2"].Port, cluster["n1"].Port]);
        var torn = new List<string>();
        using var stopSampling = new CancellationTokenSource();
        var sampler = SampleAsync(cluster["n2"].Port, torn, stopSampling.Token);

        for (var round = 0; round < 2; round++)
        {
            var target = writer.AcknowledgedCount + random.Next(20, 200);
            await ProcessCluster.Eventually(() => Task.FromResult(writer.AcknowledgedCount >= target), TimeSpan.FromSeconds(60), $"{target} transactions acknowledged");
            var leader = await cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(30));
            await cluster.KillAsync(leader);
            output.WriteLine($"round {round}: killed {leader} after {writer.AcknowledgedCount} transactions");
            var resumed = writer.AcknowledgedCount;
            await ProcessCluster.Eventually(() => Task.FromResult(writer.AcknowledgedCount >= resumed + 20), TimeSpan.FromSeconds(60), "transactions go on under a new leader");
            cluster.Start(leader);
        }
        await writer.StopAsync();
        await stopSampling.CancelAsync();
        await sampler;
        var newest = await cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(30));
        await cluster.WaitForReplicationAsync(TimeSpan.FromSeconds(60));
        foreach (var member in cluster.Members)
        {
            await cluster.AssertConvergedAsync(newest, member.Id, TimeSpan.FromSeconds(60));
        }

        output.WriteLine($"{writer.AcknowledgedCount} transactions acknowledged; errors: {string.Join(" | ", writer.Errors.Distinct().Take(5))}");
        Assert.Empty(torn);
        foreach (var member in cluster.Members)
        {
            await AssertWholeAsync(cluster, member.Id);
        }
        var rolledBack = new HashSet<int>();
        foreach (var member in cluster.Members)
        {
            rolledBack.UnionWith(RolledBackTransactions(cluster, member.Id));
        }
        var logged = await LoggedAsync(cluster, newest);
        var lost = writer.Acknowledged.Where(i => !logged.Contains(i)).ToList();
        output.WriteLine($"{logged.Count} transactions on {newest}, {rolledBack.Count} in rollback files, {lost.Count} acknowledged ones not on {newest}");
        Assert.All(lost, i => Assert.Contains(i, rolledBack));
    }

    /// <summary>On <paramref name="node"/>: every transaction's two keys, its log element and the counter agree.</summary>
    private static async Task AssertWholeAsync(ProcessCluster cluster, string node)
    {
        var logged = await LoggedAsync(cluster, node);
        var count = (await cluster.CommandAsync(node, "GET", "tx:count")).AsString();
        Assert.Equal(logged.Count.ToString(CultureInfo.InvariantCulture), count ?? "0");
        var keys = (await cluster.CommandAsync(node, "KEYS", "tx:*:*")).Items.Select(k => k.AsString()!).ToHashSet();
        foreach (var i in logged)
        {
            Assert.True(keys.Contains($"tx:{i}:a") && keys.Contains($"tx:{i}:b"), $"{node} logged transaction {i} but lacks one of its keys");
        }
        Assert.Equal(2 * logged.Count, keys.Count);
    }

    private static async Task<HashSet<int>> LoggedAsync(ProcessCluster cluster, string node) =>
        [.. (await cluster.CommandAsync(node, "LRANGE", "tx:log", "0", "-1")).Items.Select(v => int.Parse(v.AsString()!, CultureInfo.InvariantCulture))];

    /// <summary>Transactions in <paramref name="node"/>'s rollback files; each entry holding one must hold all of it.</summary>
    private static List<int> RolledBackTransactions(ProcessCluster cluster, string node)
    {
        var found = new List<int>();
        var directory = Path.Combine(cluster.DataDir(node), "rollback");
        if (!Directory.Exists(directory))
        {
            return found;
        }
        foreach (var path in Directory.EnumerateFiles(directory, "*" + RollbackFile.Extension))
        {
            using var stream = File.OpenRead(path);
            // A rolled-back suffix may hold a new leader's empty first entry (Noop) or a configuration entry: no keys.
            foreach (var entry in RollbackFile.ReadEntries(stream, RollbackFile.ReadHeader(stream)).Where(e => e.Kind == PayloadKind.Logical))
            {
                var keys = LogicalPayload.Decode(entry.Payload.Span).OfType<KeyChange>().Select(c => Encoding.UTF8.GetString(c.Key)).ToList();
                var ids = keys.Where(k => k.EndsWith(":a", StringComparison.Ordinal)).Select(k => int.Parse(k.Split(':')[1], CultureInfo.InvariantCulture)).ToList();
                foreach (var i in ids)
                {
                    Assert.Contains($"tx:{i}:b", keys);
                    Assert.Contains("tx:log", keys);
                    Assert.Contains("tx:count", keys);
                }
                found.AddRange(ids);
            }
        }
        return found;
    }

    /// <summary>A follower's own read-only transactions: the counter and the log's length always agree.</summary>
    private static async Task SampleAsync(int port, List<string> torn, CancellationToken stop)
    {
        RespConnection? connection = null;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                connection ??= await RespConnection.ConnectAsync("127.0.0.1", port, TimeSpan.FromSeconds(2), stop);
                var replies = await connection.PipelineAsync([Args("MULTI"), Args("GET", "tx:count"), Args("LLEN", "tx:log"), Args("EXEC")], stop);
                var exec = replies[3];
                if (exec.IsError || exec.IsNull)
                {
                    continue;
                }
                var count = exec.Items[0].AsString() ?? "0";
                var length = exec.Items[1].Integer.ToString(CultureInfo.InvariantCulture);
                if (count != length)
                {
                    torn.Add($"tx:count {count} but tx:log has {length}");
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException)
            {
                if (connection is not null)
                {
                    await connection.DisposeAsync();
                    connection = null;
                }
                await Task.Delay(10, CancellationToken.None); // not to spin while the node is down
            }
        }
        if (connection is not null)
        {
            await connection.DisposeAsync();
        }
    }

    internal static IReadOnlyList<byte[]> Args(params string[] args) => [.. args.Select(Encoding.UTF8.GetBytes)];

    /// <summary>Runs transaction after transaction (two keys, a log element, a counter) until stopped, recording which EXECs were acknowledged.</summary>
    private sealed class TransactionWriter
    {
        private readonly List<int> _acknowledged = [];
        private readonly List<string> _errors = [];
        private readonly CancellationTokenSource _stop = new();
        private Task? _running;

        public static TransactionWriter Start(int[] ports)
        {
            var writer = new TransactionWriter();
            writer._running = Task.Run(() => writer.RunAsync(ports));
            return writer;
        }

        public int AcknowledgedCount
        {
            get
            {
                lock (_acknowledged)
                {
                    return _acknowledged.Count;
                }
            }
        }

        public IReadOnlyList<int> Acknowledged
        {
            get
            {
                lock (_acknowledged)
                {
                    return [.. _acknowledged];
                }
            }
        }

        public IReadOnlyList<string> Errors
        {
            get
            {
                lock (_errors)
                {
                    return [.. _errors];
                }
            }
        }

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await _running!;
        }

        private async Task RunAsync(int[] ports)
        {
            RespConnection? connection = null;
            var next = 0;
            for (var i = 0; !_stop.IsCancellationRequested; i++)
            {
                try
                {
                    connection ??= await RespConnection.ConnectAsync("127.0.0.1", ports[next % ports.Length], TimeSpan.FromSeconds(2), _stop.Token);
                    var id = i.ToString(CultureInfo.InvariantCulture);
                    var replies = await connection.PipelineAsync(
                        [Args("MULTI"), Args("SET", $"tx:{id}:a", id), Args("SET", $"tx:{id}:b", id), Args("RPUSH", "tx:log", id), Args("INCR", "tx:count"), Args("EXEC")], _stop.Token);
                    var exec = replies[^1];
                    if (exec.IsError || exec.IsNull)
                    {
                        Record(_errors, exec.AsString() ?? "nil");
                    }
                    else
                    {
                        Record(_acknowledged, i);
                    }
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException)
                {
                    Record(_errors, e.Message);
                    next++;
                    if (connection is not null)
                    {
                        await connection.DisposeAsync();
                        connection = null;
                    }
                    await Task.Delay(10, CancellationToken.None); // not to spin while the node is down
                }
            }
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }

        private static void Record<T>(List<T> list, T item)
        {
            lock (list)
            {
                list.Add(item);
            }
        }
    }
}
