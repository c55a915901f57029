using StackExchange.Redis;

namespace Chorus.Client;

/// <summary>
/// Keeps <see cref="ClusterTopology"/> current: asks every node for its role and lag on a period,
/// at once when a node publishes that leadership moved, and when a session's command says the
/// picture is stale. Refreshes are shared, and each caller gets one that started after it asked
/// (<see cref="SharedRefresh{T}"/>): a leader-moved signal that arrives mid-refresh gets one more.
/// </summary>
internal sealed class TopologyMonitor : IAsyncDisposable
{
    /// <summary>The channel every Chorus node (like a Redis Sentinel setup) publishes on when it learns of a new leader.</summary>
    private static readonly RedisChannel LeaderChanged = RedisChannel.Literal("__Booksleeve_MasterChanged");

    private readonly ConnectionMultiplexer _connections;
    private readonly TimeSpan _period;
    private readonly TimeSpan _askTimeout;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SharedRefresh<ClusterTopology> _refresh;
    private Task? _loop;

    public TopologyMonitor(ConnectionMultiplexer connections, TimeSpan period, TimeSpan askTimeout)
    {
        _connections = connections;
        _period = period;
        _askTimeout = askTimeout;
        _refresh = new SharedRefresh<ClusterTopology>(AskEveryNodeAsync);
    }

    public ClusterTopology Current { get; private set; } = ClusterTopology.Unknown;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _connections.GetSubscriber().SubscribeAsync(LeaderChanged, (_, _) => _ = RefreshAsync(CancellationToken.None));
        await RefreshAsync(cancellationToken);
        _loop = RunAsync(_stopping.Token);
    }

    /// <summary>Asks every node now, or right after the refresh under way (which may predate the caller's news).</summary>
    public Task<ClusterTopology> RefreshAsync(CancellationToken cancellationToken) => _refresh.RunAsync(cancellationToken);

    private async Task RunAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(_period);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                await RefreshAsync(stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task<ClusterTopology> AskEveryNodeAsync()
    {
        var endPoints = _connections.GetEndPoints(configuredOnly: true);
        var answers = await Task.WhenAll(endPoints.Select(AskAsync));
        var topology = ClusterTopology.From(answers, DateTimeOffset.UtcNow);
        Current = topology;
        return topology;
    }

    private async Task<NodeState> AskAsync(System.Net.EndPoint endPoint)
    {
        var server = _connections.GetServer(endPoint);
        if (!server.IsConnected)
        {
            return InfoReplication.Unreachable(endPoint);
        }
        try
        {
            var info = await server.InfoRawAsync("replication").WaitAsync(_askTimeout);
            return info is null ? InfoReplication.Unreachable(endPoint) : InfoReplication.Parse(endPoint, info);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return InfoReplication.Unreachable(endPoint);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }
        _stopping.Dispose();
    }
}
