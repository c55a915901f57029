using System.Collections.Concurrent;
using System.Net;
using Chorus.Cli.Tests.Support;
using StackExchange.Redis;

namespace Chorus.Cli.Tests;

/// <summary>
/// Issue 15, "Clients follow failovers": StackExchange.Redis's first successful write after kill -9
/// of the leader, in both of the ways an application configures it for a Chorus cluster — through
/// the nodes as Sentinels (<c>serviceName=chorus</c>) and with the three node endpoints (it listens
/// on <c>__Booksleeve_MasterChanged</c>). Each test prints a timeline, on one clock from the kill:
/// when a surviving node was first seen leading (polled), when a subscriber on a survivor heard
/// <c>+switch-master</c> and <c>__Booksleeve_MasterChanged</c>, the client's own log and connection
/// events, and its first successful write; docs/failover.md records the figures. No bound on time
/// is asserted: what is asserted is that the client writes again, to the new leader, and that every
/// write it was told succeeded (acknowledged under <c>semi-sync any 1</c>) is on the new leader.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class StackExchangeFailoverTimelineTests(ITestOutputHelper output)
{
    /// <summary>
    /// One cluster for both configurations (process clusters cost seconds per node): the node
    /// killed in the first measurement is restarted and rejoins as a follower before the second.
    /// </summary>
    [Fact]
    public async Task StackExchange_redis_writes_to_the_new_leader_after_kill_9_through_the_nodes_as_sentinels_and_with_the_three_endpoints()
    {
        await using var cluster = await ProcessCluster.StartAsync(3, null, "--election-timeout-ms", "1000", "--ack", "semi-sync any 1");
        await cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(30));
        await cluster.WaitForFollowersAsync(2);

        var killed = await MeasureAsync(cluster, o => o.ServiceName = "chorus", "serviceName=chorus", "s");

        cluster.Start(killed);
        await cluster.WaitForFollowersAsync(2);
        await cluster.WaitForReplicationAsync();
        // The client's periodic configuration check is pushed out of the test's reach (10 min), so
        // only what the nodes publish can make it find the new leader within the deadline.
        await MeasureAsync(cluster, o => o.ConfigCheckSeconds = 600, "three endpoints", "e");
    }

    /// <summary>Kills the leader under the client's writes and prints the timeline; returns the killed node.</summary>
    private async Task<string> MeasureAsync(ProcessCluster cluster, Action<ConfigurationOptions> configure, string configuration, string keyPrefix)
    {
        var leader = await cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(30));
        var survivors = cluster.Members.Where(m => m.Id != leader).Select(m => m.Id).ToArray();

        var timeline = new ClientTimeline();
        // Timeouts as an application would set them.
        var options = new ConfigurationOptions { AbortOnConnectFail = false, ConnectTimeout = 5000, SyncTimeout = 5000, AsyncTimeout = 5000, LoggerFactory = timeline };
        cluster.Members.ToList().ForEach(m => options.EndPoints.Add("127.0.0.1", m.Port));
        configure(options);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
        redis.ConnectionFailed += (_, e) => timeline.Add($"event: connection failed {e.EndPoint} {e.ConnectionType} {e.FailureType}");
        redis.ConnectionRestored += (_, e) => timeline.Add($"event: connection restored {e.EndPoint} {e.ConnectionType}");
        redis.ConfigurationChanged += (_, e) => timeline.Add($"event: configuration changed {e.EndPoint}");
        redis.ConfigurationChangedBroadcast += (_, e) => timeline.Add($"event: configuration broadcast from {e.EndPoint}");
        var db = redis.GetDatabase();
        await ProcessCluster.Eventually(async () => await TryWriteAsync(db, "before") is not null, TimeSpan.FromSeconds(30), "the client writes to the leader");

        await using var listener = await cluster.ConnectAsync(survivors[0]);
        var subscriber = listener.GetSubscriber();
        var switchMaster = new ConcurrentQueue<string>();
        await subscriber.SubscribeAsync(RedisChannel.Literal("+switch-master"), (_, m) =>
        {
            switchMaster.Enqueue(m!);
            timeline.Add($"heard +switch-master {m}");
        });
        await subscriber.SubscribeAsync(RedisChannel.Literal("__Booksleeve_MasterChanged"), (_, m) => timeline.Add($"heard __Booksleeve_MasterChanged {m}"));

        var writes = new ClientWrites(db, timeline, keyPrefix);
        await writes.UntilAcknowledgedAsync(5, TimeSpan.FromSeconds(30));
        timeline.Mark();
        timeline.Add($"kill -9 {leader}");
        await cluster.KillAsync(leader);
        var elected = Task.Run(async () =>
        {
            var newLeader = await cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(60), survivors);
            timeline.Add($"{newLeader} seen leading (INFO polled)");
            return newLeader;
        });
        var firstWrite = await writes.FirstAfterAsync(timeline.Now, TimeSpan.FromSeconds(120));
        await writes.StopAsync();
        var newLeader = await elected;

        // The election as clients see it: Sentinel's announcement, published once per change by
        // every node that learns of the new leader (the first to publish is the leader itself).
        var announced = timeline.First("heard +switch-master") ?? timeline.First($"{newLeader} seen leading") ?? TimeSpan.Zero;
        output.WriteLine(
            $"StackExchange.Redis ({configuration}): killed {leader}; {newLeader} elected, +switch-master heard {announced.TotalMilliseconds:0} ms after the kill " +
            $"(INFO polled: {timeline.First($"{newLeader} seen leading")?.TotalMilliseconds:0} ms); first successful write {firstWrite.TotalMilliseconds:0} ms after the kill, " +
            $"{(firstWrite - announced).TotalMilliseconds:0} ms after the election; the client read role:master from {newLeader} " +
            $"{(timeline.First($"client: 127.0.0.1:{cluster[newLeader].Port}: Auto-configured (INFO) role: primary") - announced)?.TotalMilliseconds:0} ms after the election " +
            $"(the rest is the new leader's first commit); load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        output.WriteLine(timeline.Describe(TimeSpan.Zero, firstWrite + TimeSpan.FromMilliseconds(100), Telling));

        Assert.Equal(cluster[newLeader].Port, (await db.IdentifyEndpointAsync("after") as IPEndPoint)?.Port);
        var acknowledged = writes.Acknowledged;
        foreach (var key in acknowledged)
        {
            Assert.Equal(key, (await cluster.CommandAsync(newLeader, "GET", key)).AsString());
        }
        output.WriteLine($"all {acknowledged.Count} acknowledged writes are on {newLeader}");
        // Sentinel's announcement, as a Sentinel words it, from a node that survived.
        await ProcessCluster.Eventually(() => Task.FromResult(!switchMaster.IsEmpty), TimeSpan.FromSeconds(30), "+switch-master is published");
        Assert.Equal($"chorus 127.0.0.1 {cluster[leader].Port} 127.0.0.1 {cluster[newLeader].Port}", switchMaster.First());
        return leader;
    }

    /// <summary>The client's log lines that tell the story: of its per-server detail of each topology read, only the role it read.</summary>
    private static bool Telling(string line) =>
        !NoiseMarkers.Any(marker => line.Contains(marker, StringComparison.Ordinal));

    private static readonly string[] NoiseMarkers =
    [
        "Auto-configuring", "Auto-configured (CONFIG)", "(INFO) version", "(INFO) server-type", "Server summary", "Endpoint is", "Response from", "Returned with success", "had no tiebreaker",
        "Requesting tie-break", "OnConnectedAsync already", "Endpoint summary", "Task summary", "Election summary",
        "Endpoint Summary", "Sync timeouts", "Server[", "No subscription changes", "unique nodes specified",
    ];

    private static async Task<string?> TryWriteAsync(IDatabase db, string key)
    {
        try
        {
            return await db.StringSetAsync(key, key) ? key : null;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return null;
        }
    }

    /// <summary>
    /// Starts a write of a new key every 100 ms (each waits out its own timeout), so the time of the
    /// first success is when the client could first write, not when one write that began against the
    /// dead leader gave up; records which were acknowledged and when.
    /// </summary>
    private sealed class ClientWrites
    {
        private readonly ConcurrentQueue<(string Key, TimeSpan At)> _acknowledged = new();
        private readonly List<Task> _started = [];
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _running;

        private readonly ClientTimeline _timeline;

        public ClientWrites(IDatabase db, ClientTimeline timeline, string keyPrefix)
        {
            _timeline = timeline;
            _running = Task.Run(() => RunAsync(db, keyPrefix));
        }

        public IReadOnlyList<string> Acknowledged => [.. _acknowledged.Select(a => a.Key)];

        public Task UntilAcknowledgedAsync(int count, TimeSpan timeout) =>
            ProcessCluster.Eventually(() => Task.FromResult(_acknowledged.Count >= count), timeout, $"{count} writes acknowledged");

        /// <summary>When the first write acknowledged after <paramref name="since"/> was (on the timeline's clock).</summary>
        public async Task<TimeSpan> FirstAfterAsync(TimeSpan since, TimeSpan timeout)
        {
            TimeSpan? first = null;
            await ProcessCluster.Eventually(() => Task.FromResult((first = _acknowledged.Where(a => _timeline.SinceMark(a.At) > since).Select(a => (TimeSpan?)a.At).Min()) is not null),
                timeout, "a write succeeds after the leader was killed");
            return _timeline.SinceMark(first!.Value);
        }

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await _running;
            await Task.WhenAll(_started);
        }

        private async Task RunAsync(IDatabase db, string keyPrefix)
        {
            // A write rate, not a wait for a condition: the loop runs until it is stopped.
            using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
            for (var i = 0; !_stop.IsCancellationRequested; i++)
            {
                var key = $"{keyPrefix}:{i}";
                _started.Add(Task.Run(async () =>
                {
                    try
                    {
                        if (await db.StringSetAsync(key, key))
                        {
                            _acknowledged.Enqueue((key, _timeline.Stamp));
                            _timeline.Add($"write {key} acknowledged");
                        }
                    }
                    catch (Exception e) when (e is RedisException or TimeoutException)
                    {
                        // Why a write failed tells whether the client had no primary yet or the new
                        // leader could not commit (-NOREPLICAS): only the start of the message.
                        _timeline.Add($"write {key} failed: {e.GetType().Name}: {e.Message[..Math.Min(e.Message.Length, 100)]}");
                    }
                }));
                try
                {
                    await pace.WaitForNextTickAsync(_stop.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }
}
