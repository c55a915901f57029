using System.Net;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Chorus.Client;

/// <summary>
/// A Chorus cluster as one object (docs/client.md). It connects to every node (through
/// StackExchange.Redis), keeps the cluster's <see cref="Topology"/> current, and hands out
/// <see cref="ChorusSession"/>s: a session routes writes to the leader and reads to followers as
/// its read level allows, carries its position token from command to command, and follows
/// failovers. Thread-safe; create one per application (it is registered as a singleton by
/// <see cref="ChorusServiceCollectionExtensions.AddChorusClient"/>). Connecting happens on first
/// use, or explicitly with <see cref="ConnectAsync(CancellationToken)"/>.
/// </summary>
public sealed class ChorusClient : IAsyncDisposable
{
    private readonly ChorusClientOptions _options;
    private readonly Lazy<Task<Connected>> _connected;
    private int _readTurn;

    public ChorusClient(IOptions<ChorusClientOptions> options)
        : this(options.Value)
    {
    }

    public ChorusClient(ChorusClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _connected = new Lazy<Task<Connected>>(() => ConnectCoreAsync(options));
    }

    /// <summary>Counters over every session of this client.</summary>
    public SessionCounters Counters { get; } = new();

    /// <summary>The cluster as last seen (<see cref="ClusterTopology.Unknown"/> before connecting).</summary>
    public ClusterTopology Topology => _connected.IsValueCreated && _connected.Value.IsCompletedSuccessfully ? _connected.Value.Result.Monitor.Current : ClusterTopology.Unknown;

    internal ChorusClientOptions Options => _options;

    /// <summary>
    /// Held while a named session's write and the two small commands behind it are handed to
    /// StackExchange.Redis, so no other session's write lands between them on a shared connection.
    /// Only the sending is inside; replies are awaited outside.
    /// </summary>
    internal object SessionWriteGate { get; } = new();

    /// <summary>Connects to the nodes and learns the topology; later calls return at once.</summary>
    public async Task<ClusterTopology> ConnectAsync(CancellationToken cancellationToken = default) =>
        (await ConnectedAsync(cancellationToken)).Monitor.Current;

    /// <summary>Asks every node for its role and lag now.</summary>
    public async Task<ClusterTopology> RefreshTopologyAsync(CancellationToken cancellationToken = default) =>
        await (await ConnectedAsync(cancellationToken)).Monitor.RefreshAsync(cancellationToken);

    /// <summary>
    /// A new session: one user's (or one device's) sequence of reads and writes, with its own
    /// position. <paramref name="consistency"/> defaults to the options' level;
    /// <paramref name="after"/> starts it at a position handed over from another session.
    /// </summary>
    public ChorusSession OpenSession(ReadConsistency? consistency = null, SessionToken? after = null) =>
        new(this, consistency ?? _options.DefaultConsistency, after ?? SessionToken.Empty);

    /// <summary>
    /// A named session (<c>CHORUS.SESSION</c>): its position is kept by the cluster under
    /// <paramref name="sessionId"/>, so every device that opens the same id — in this process or
    /// another — reads the others' writes (read-your-writes) and never goes back in time
    /// (monotonic), also across a failover, with no token handed over. Each write is recorded at
    /// the leader before <see cref="ChorusSession.WriteAsync"/> returns (one more small command
    /// sent right behind it). An id is 1 to 128 letters, digits and <c>- _ . : @</c>.
    /// </summary>
    public ChorusSession OpenNamedSession(string sessionId, ReadConsistency? consistency = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        return new(this, consistency ?? _options.DefaultConsistency, SessionToken.Empty) { SessionId = sessionId };
    }

    /// <summary>
    /// The underlying StackExchange.Redis database, for what sessions do not offer (transactions,
    /// pub/sub, batches). Commands sent through it carry no session guarantees.
    /// </summary>
    public async Task<IDatabase> GetDatabaseAsync(CancellationToken cancellationToken = default) =>
        (await ConnectedAsync(cancellationToken)).Connections.GetDatabase();

    internal async Task<Connected> ConnectedAsync(CancellationToken cancellationToken) =>
        await _connected.Value.WaitAsync(cancellationToken);

    /// <summary>The next follower a read may use (round-robin among those that qualify).</summary>
    internal int NextReadTurn() => Interlocked.Increment(ref _readTurn) & int.MaxValue;

    private static async Task<Connected> ConnectCoreAsync(ChorusClientOptions options)
    {
        var timeout = (int)options.ConnectTimeout.TotalMilliseconds;
        var configuration = new ConfigurationOptions
        {
            AbortOnConnectFail = false,
            ConnectTimeout = timeout,
            SyncTimeout = timeout,
            AsyncTimeout = timeout,
            User = options.User,
            Password = options.Password,
            ClientName = "chorus-client",
            // StackExchange.Redis counts INFO as an admin command; the topology is read from it.
            AllowAdmin = true,
        };
        foreach (var endpoint in options.Endpoints)
        {
            configuration.EndPoints.Add(endpoint);
        }
        var connections = await ConnectionMultiplexer.ConnectAsync(configuration);
        var monitor = new TopologyMonitor(connections, options.TopologyRefreshInterval, options.ConnectTimeout);
        await monitor.StartAsync(CancellationToken.None);
        return new Connected(connections, monitor);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_connected.IsValueCreated)
        {
            return;
        }
        Connected connected;
        try
        {
            connected = await _connected.Value;
        }
        catch (Exception e) when (e is RedisException or OperationCanceledException)
        {
            return;   // never connected: nothing to close
        }
        await connected.Monitor.DisposeAsync();
        await connected.Connections.DisposeAsync();
    }

    internal sealed record Connected(ConnectionMultiplexer Connections, TopologyMonitor Monitor)
    {
        public IServer Server(EndPoint endPoint) => Connections.GetServer(endPoint);

        /// <summary>Where a write goes: the leader, or (none known) any node, which forwards it or says why not.</summary>
        public EndPoint WriteTarget(ClusterTopology topology) =>
            topology.Leader?.EndPoint ?? topology.Nodes.FirstOrDefault(n => n.IsReachable)?.EndPoint ?? Connections.GetEndPoints(configuredOnly: true)[0];
    }
}
