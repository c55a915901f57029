using System.Net;
using Chorus.Commands.Data;
using Chorus.Commands.Execution;
using Chorus.Commands.Keyspace.Migration;
using Chorus.Commands.Leaderless;
using Chorus.Replication;
using Chorus.Replication.Leaderless;
using Chorus.Replication.MultiLeader;
using Chorus.Replication.SingleLeader;
using Chorus.Server.Commands;
using Chorus.Server.Configuration;
using Chorus.Server.Dashboard;
using Chorus.Server.Metrics;
using Chorus.Node;
using Chorus.Server.Resp;
using Chorus.Server.Security;
using Chorus.Storage.RocksDb;
using Chorus.Transport.Grpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace Chorus.Server.Hosting;

/// <summary>
/// One running Chorus node: RocksDB storage, the node loop, the RESP listener, the peer (gRPC)
/// listener and transport, and the HTTP endpoint for /metrics, /health and the dashboard (/).
/// </summary>
public sealed class ChorusNode : IAsyncDisposable
{
    private readonly Parts _parts;
    private readonly TaskCompletionSource _restart = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _stopped;

    private ChorusNode(Parts parts) => _parts = parts;

    /// <summary>Completes when the node loop stops; faults if it stopped because of an error.</summary>
    public Task Completion => _parts.Loop.Stopped;

    /// <summary>Completes when a downloaded snapshot is ready: stop this node and start a new one (see <see cref="ChorusNodeHost"/>).</summary>
    public Task RestartRequested => _restart.Task;

    /// <summary>The node's own log ("Chorus.Node").</summary>
    internal ILogger Logger => _parts.Logger;

    /// <summary>The data directory this node runs on.</summary>
    public string DataDirectory => _parts.DataDirectory;

    public static async Task<ChorusNode> StartAsync(ChorusOptions options, Action<ILoggingBuilder>? logging = null, CancellationToken cancellationToken = default, SnapshotProgress? snapshots = null)
    {
        var peers = options.Validate();
        snapshots ??= new SnapshotProgress();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        logging ??= DefaultLogging;
        logging(builder.Logging);
        var loggers = LoggerFactory.Create(logging);
        var logger = loggers.CreateLogger("Chorus.Node");

        var dataDir = Path.GetFullPath(options.DataDirOrDefault);
        Directory.CreateDirectory(dataDir);
        var installing = System.Diagnostics.Stopwatch.StartNew();
        var installedSnapshot = false;
        if (SnapshotSwap.ApplyPending(dataDir, options.Self) is { } installed)
        {
            installedSnapshot = true;
            snapshots.InstalledNow();
            logger.LogInformation("installed the snapshot at {Position} (snapshot phase: moved into place and claimed for this node in {Ms} ms)", installed.Position, installing.ElapsedMilliseconds);
            if (installed.EntriesRolledBack > 0)
            {
                logger.LogWarning("{Count} log entries only this node held (not in the installed copy) go to a rollback file", installed.EntriesRolledBack);
            }
            if (installed.CarryError is { } error)
            {
                logger.LogError("the replaced database could not be read for entries only it held (any such entries are lost): {Error}", error);
            }
        }
        // An older data directory is upgraded in place before the node starts (docs/storage-layout.md).
        var storage = RocksDbStorageEngine.Open(Path.Combine(dataDir, "db"), RocksDbStorageOptions.Default with { Upgrades = KeyspaceUpgrades.All });
        var inbox = new NodeInbox(options.Self);
        var linkHold = new PeerLinkHold(inbox);
        var peerTls = PeerCertificates.Load(options, peers.Count, logger);
        var transport = new GrpcTransport(options.Self, peers, new PeerInbox(inbox, linkHold), peerTls, loggers);
        var keepAlive = new BusyLoopKeepAlive(transport.Send, options.HeartbeatIntervalMs);
        var dataCommands = options.IsLeaderless ? LeaderlessCommands.All : DataCommands.All;
        var scripts = ScriptHost.Create(options, TimeProvider.System, loggers.CreateLogger("Chorus.Scripts"));
        var commands = new CommandTable(dataCommands.Concat(ScriptHost.Specs(options, scripts)).Concat(ServerCommands.All.Select(c => c.Spec)));
        scripts.Calls.Commands = commands;
        // Rollbacks go to their file first, then become the notices of the named sessions that made them.
        var rollbacks = new Consistency.SessionRollbackSink(new FileRollbackSink(dataDir));
        NodeDriver driver;
        try
        {
            var forwards = new GrpcForwardLink(transport, inbox, loggers.CreateLogger<GrpcForwardLink>()) { Scripts = scripts.Cache };
            driver = new NodeDriver(DriverOptions(options, peers, dataDir) with { WriteLimits = ClientLimitSettings.FromOptions(options).Writes, ForwardLink = forwards }, storage, commands, new TransportAdapter(transport, keepAlive, TimeProvider.System), rollbacks, loggers.CreateLogger<NodeDriver>());
        }
        catch (InvalidOperationException)
        {
            // A refused directory (another node's, another family's) is left unlocked for the one it belongs to.
            storage.Dispose();
            throw;
        }
        var stopping = new CancellationTokenSource();
        var node = new NodeServices(options, driver, inbox, storage, TimeProvider.System)
        {
            Commands = commands,
            Snapshots = snapshots,
            MaxClientsCeiling = OpenFilesLimit.Prepare(options.MaxClients, logger),
            Access = Security(options, commands.All, logger),
            LinkHold = linkHold,
            Scripts = scripts,
        };
        var gateway = new WriteGateway(driver, inbox, options.ReplicaWritePolicy, node.Stats);
        if (options.IsMultiLeader)
        {
            node.ReadResolution = new OnReadResolution(driver, gateway, TimeSpan.FromMilliseconds(options.ReadResolverTimeoutMs), loggers.CreateLogger<OnReadResolution>());
        }
        var sessions = new Consistency.SessionService(new Consistency.SessionDirectory(options.SessionIdleMs), driver, storage, transport, TimeProvider.System,
            TimeSpan.FromMilliseconds(options.ForwardTimeoutMs), loggers.CreateLogger("Chorus.Sessions"));
        node.Sessions = sessions;
        rollbacks.Observed = sessions.OnRollback;
        node.PubSubRelay = PubSubRelayFor(options, node, transport, driver, loggers);
        var handlers = ServerCommands.All.ToDictionary(c => c.Spec, c => c.Handler);
        var dispatcher = new CommandDispatcher(node, gateway, handlers, loggers.CreateLogger<CommandDispatcher>());

        var peerListener = new PeerListener(peerTls, transport.Membership);
        ConfigureServices(builder, options, node, dispatcher, inbox, peerListener, new ForwardHandler(driver, inbox) { Sessions = sessions.Directory }, sessions, new SnapshotSource(dataDir, inbox, snapshots, TimeProvider.System, loggers.CreateLogger<SnapshotSource>()));
        var web = builder.Build();
        MapEndpoints(web, options, node);
        await web.StartAsync(cancellationToken);

        var loop = new NodeLoop(driver, inbox, TimeProvider.System, logger) { KeepAlive = keepAlive };
        driver.LeaderChanged += _ => keepAlive.Forget();
        var syncer = options.DurabilityPolicy == Storage.DurabilityPolicy.EverySecond
            ? Task.Run(() => new WalSyncer(storage, driver, inbox, logger).RunAsync(stopping.Token), CancellationToken.None)
            : Task.CompletedTask;
        var chorus = new ChorusNode(new Parts(dataDir, storage, transport, loop, web, stopping, syncer, logger));
        // Clients follow a failover: StackExchange.Redis reconfigures when this channel speaks.
        var failoverSignal = new PubSub.FailoverSignal(node.PubSub, node.Addresses, options.SentinelMasterName, TimeProvider.System);
        driver.LeaderChanged += failoverSignal.OnLeaderChanged;
        PubSub.KeyspacePublisher.Attach(driver.Notifications, node.PubSub);
        // Membership lives in the replicated cluster settings: follow it.
        driver.PeersChanged += members => transport.UpdatePeers(PeerAddresses(members, peers));
        var fetcher = new SnapshotFetcher(dataDir, transport, snapshots, TimeProvider.System, loggers.CreateLogger<SnapshotFetcher>())
        {
            Merkle = new MerkleResyncFetcher(dataDir, options.Self, transport, inbox, snapshots, TimeProvider.System, loggers.CreateLogger<MerkleResyncFetcher>()),
        };
        driver.SnapshotRequested += request => fetcher.Start(request.Source, request.Method, () => chorus._restart.TrySetResult(), stopping.Token);
        node.Resync = leader => fetcher.Start(leader, FollowerResync.Snapshot, () => chorus._restart.TrySetResult(), stopping.Token);
        loop.Start();
        transport.Start();
        logger.LogInformation("node {Node} serving RESP on {Endpoint}, peers on {PeerPort}, HTTP on {HttpPort}, data in {DataDir}",
            options.NodeId, options.ClientEndpoint, options.PeerPortOrDefault, options.HttpPortOrDefault, dataDir);
        if (installedSnapshot)
        {
            logger.LogInformation("snapshot phase: serving on the snapshot {Ms} ms after the install began, {Seconds:0.0} s after it was asked for (the log from the snapshot on follows from the leader)",
                installing.ElapsedMilliseconds, snapshots.StartedAtMs < 0 ? 0 : (TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() - snapshots.StartedAtMs) / 1000.0);
        }
        return chorus;
    }

    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }
        var p = _parts;
        p.Logger.LogInformation("stopping");
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await p.Web.StopAsync(timeout.Token);
        }
        await p.Loop.StopAsync();
        await p.Stopping.CancelAsync();
        await p.Syncer;
        await p.Transport.DisposeAsync();
        await p.Web.DisposeAsync();
        p.Storage.Dispose();
        p.Logger.LogInformation("stopped");
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _parts.Stopping.Dispose();
    }

    /// <summary>Users from the ACL file if there is one, else the default user with requirepass (if set).</summary>
    private static AccessControl Security(ChorusOptions options, IEnumerable<Chorus.Commands.Execution.CommandSpec> commands, ILogger logger)
    {
        var access = new AccessControl(commands);
        if (!string.IsNullOrEmpty(options.AclFile) && File.Exists(options.AclFile))
        {
            try
            {
                AclFile.Load(access, options.AclFile);
            }
            catch (AclException e)
            {
                throw new ConfigurationError($"AclFile: {e.Message}");
            }
            logger.LogInformation("loaded {Count} ACL users from {File}", access.Users.Count, options.AclFile);
        }
        else if (!string.IsNullOrEmpty(options.RequirePass))
        {
            access.SetRequirePass(options.RequirePass);
        }
        return access;
    }

    /// <summary>
    /// PUBLISH reaches every member the transport knows (every site's, under multi-leader); a message
    /// waits for the log only on a node that replicates the same log as its publisher (same group).
    /// </summary>
    private static PubSub.PubSubRelay PubSubRelayFor(ChorusOptions options, NodeServices node, GrpcTransport transport, NodeDriver driver, ILoggerFactory loggers) =>
        new(node.PubSub, options.Self, () => transport.Membership.Members, transport.Send, driver.Applied,
            peer => !options.IsLeaderless && driver.Status.Settings.Find(peer) is not null,
            loggers.CreateLogger<PubSub.PubSubRelay>());

    private sealed record Parts(
        string DataDirectory,
        RocksDbStorageEngine Storage,
        GrpcTransport Transport,
        NodeLoop Loop,
        WebApplication Web,
        CancellationTokenSource Stopping,
        Task Syncer,
        ILogger Logger);

    /// <summary>Peer addresses from the settings, falling back to configured ones for members that have none.</summary>
    private static Dictionary<Core.NodeId, Uri> PeerAddresses(IReadOnlyDictionary<Core.NodeId, string> members, IReadOnlyDictionary<Core.NodeId, Uri> configured)
    {
        var addresses = new Dictionary<Core.NodeId, Uri>();
        foreach (var (id, peerAddress) in members)
        {
            if (!string.IsNullOrEmpty(peerAddress) && Uri.TryCreate("http://" + peerAddress, UriKind.Absolute, out var uri))
            {
                addresses[id] = uri;
            }
            else if (configured.TryGetValue(id, out var fallback))
            {
                addresses[id] = fallback;
            }
        }
        return addresses;
    }

    /// <summary>Chorus's own events at Information; the frameworks' only when something is wrong.</summary>
    public static void DefaultLogging(ILoggingBuilder logging)
    {
        logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        logging.SetMinimumLevel(LogLevel.Information);
        logging.AddFilter("Microsoft", LogLevel.Warning);
        logging.AddFilter("Grpc", LogLevel.Warning);
        logging.AddFilter("System.Net.Http", LogLevel.Warning);
    }

    private static NodeDriverOptions DriverOptions(ChorusOptions options, IReadOnlyDictionary<Core.NodeId, Uri> peers, string dataDir) =>
        new(options.Self, Family(options, peers))
        {
            Conflicts = options.IsMultiLeader ? new FileConflictSink(dataDir) : null,
            Resolvers = options.IsMultiLeader ? ResolverLoader.Load(options.ResolverAssemblies) : new Dictionary<string, Core.Sites.IConflictResolver>(),
            Durability = options.DurabilityPolicy,
            // Nodes started in the same millisecond must still draw different election timeouts.
            RandomSeed = Random.Shared.Next(),
            Retention = new Replication.Log.RetentionOptions
            {
                RetainBytes = options.LogRetainBytes,
                RetainFloorBytes = options.LogRetainFloorBytes,
                RetainAgeMs = options.LogRetainAgeMs,
                HardCapBytes = options.LogRetainHardCapBytes,
            },
            RetentionIntervalMs = options.LogRetentionIntervalMs,
            LogFormat = options.LogFormatSetting,
            UnknownStatements = options.UnknownStatementPolicy,
            StorageFormatVersion = options.ClaimStorageFormatVersion is 0 ? Storage.StorageFormatVersion.Current : options.ClaimStorageFormatVersion,
            ForwardTimeoutMs = options.ForwardTimeoutMs,
            ForwardVisibilityWaitMs = options.ForwardVisibilityWaitMs,
        };

    /// <summary>
    /// The leaderless family: the ring of every configured member (members change by gossip
    /// afterwards); a node joining (Leaderless:Join) starts with the others' ring at version 0,
    /// which any ring a member sends supersedes.
    /// </summary>
    private static LeaderlessFamily Leaderless(ChorusOptions options, IReadOnlyDictionary<Core.NodeId, Uri> peers) =>
        new(options.Leaderless.ToSettings(),
            new RingConfig(options.Leaderless.Join ? 0 : 1, [.. peers
                .Where(p => !options.Leaderless.Join || p.Key != options.Self)
                .Select(p => new RingMember(p.Key, p.Value.Authority, p.Key == options.Self ? options.ClientEndpoint : ""))]));

    /// <summary>
    /// The replication family this process runs: leaderless, single-leader over every peer, or
    /// multi-leader — a single-leader group of the node's own site, linked to the other sites.
    /// </summary>
    private static IReplicationFamily Family(ChorusOptions options, IReadOnlyDictionary<Core.NodeId, Uri> peers)
    {
        if (options.IsLeaderless)
        {
            return Leaderless(options, peers);
        }
        if (!options.IsMultiLeader)
        {
            return SingleLeader(options, peers);
        }
        var sites = SiteConfiguration.Build(options, peers);
        var own = sites.Sites[sites.Site];
        return new MultiLeaderFamily(sites, SingleLeader(options, peers.Where(p => own.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value)));
    }

    /// <summary>The single-leader family over <paramref name="peers"/>, with its cluster and timing.</summary>
    private static SingleLeaderFamily SingleLeader(ChorusOptions options, IReadOnlyDictionary<Core.NodeId, Uri> peers) =>
        new(
            new ReplicationOptions
            {
                HeartbeatIntervalMs = options.HeartbeatIntervalMs,
                ElectionTimeoutMs = options.ElectionTimeoutMs,
                ResubscribeAfterMs = options.ResubscribeAfterMs,
                ReadLease = options.ReadLease,
                FollowerResync = options.FollowerResyncMethod,
            },
            new ClusterConfig(options.Self, options.LeaderId, [.. peers.Keys.OrderBy(p => p.Value, StringComparer.Ordinal)])
            {
                Addresses = peers.ToDictionary(p => p.Key, p => (p.Value.Authority, p.Key == options.Self ? options.ClientEndpoint : "")),
                InitialAck = options.AckPolicy,
                InitialFailover = options.FailoverMode,
                // Used only if this node becomes a new cluster's first leader (Membership.ClusterId).
                NewClusterId = System.Security.Cryptography.RandomNumberGenerator.GetHexString(16, lowercase: true),
            },
            options.ClientEndpoint);

    /// <summary>How the peer port listens: mutual TLS with this certificate, admitting members only (or plain HTTP/2 without one).</summary>
    private sealed record PeerListener(Transport.Grpc.Security.PeerTls? Tls, Transport.Grpc.Security.PeerMembership Membership);

    private static void ConfigureServices(WebApplicationBuilder builder, ChorusOptions options, NodeServices node, CommandDispatcher dispatcher, NodeInbox inbox, PeerListener peers, ForwardHandler forwards, Consistency.SessionService sessions, SnapshotSource snapshots)
    {
        var address = BindAddress(options.Host);
        var tls = options.TlsPort != 0 ? ClientTls.Options(options) : null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(address, options.Port, l => l.UseConnectionHandler<RespConnectionHandler>());
            if (tls is not null)
            {
                kestrel.Listen(address, options.TlsPort, l => l.UseHttps(tls).UseConnectionHandler<RespConnectionHandler>());
            }
            kestrel.Listen(address, options.PeerPortOrDefault, l =>
            {
                l.Protocols = HttpProtocols.Http2;
                if (peers.Tls is { } peerTls)
                {
                    l.UseHttps(peerTls.ServerOptions(peers.Membership));
                }
                // Snapshots travel on a stream of their own on this port, told apart by its first bytes.
                l.Use(new SnapshotStreamServer(() => l.ApplicationServices).Wrap);
            });
            kestrel.Listen(address, options.HttpPortOrDefault, l => l.Protocols = HttpProtocols.Http1);
            kestrel.Limits.MaxRequestBodySize = GrpcTransport.MessageBytesMax;
        });
        builder.Services.AddSingleton(node);
        builder.Services.AddSingleton(dispatcher);
        builder.Services.AddSingleton<IPeerInbox>(new PeerInbox(inbox, node.LinkHold!) { PubSub = node.PubSubRelay });
        builder.Services.AddSingleton<IForwardHandler>(forwards);
        builder.Services.AddSingleton<ISessionHandler>(sessions);
        builder.Services.AddSingleton(new Transport.Grpc.Security.PeerAuthenticator(peers.Membership, mutualTls: peers.Tls is not null));
        builder.Services.AddSingleton<ISnapshotSource>(snapshots);
        builder.Services.AddSingleton<IResyncSource>(provider => new MerkleResyncSource(snapshots, provider.GetRequiredService<ILogger<MerkleResyncSource>>()));
        builder.Services.AddSingleton<ChorusMetrics>();
        builder.Services.AddDashboard();
        builder.Services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = GrpcTransport.MessageBytesMax;
            o.MaxSendMessageSize = GrpcTransport.MessageBytesMax;
        });
        builder.Services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(ChorusMetrics.MeterName).AddPrometheusExporter());
    }

    private static void MapEndpoints(WebApplication web, ChorusOptions options, NodeServices node)
    {
        _ = web.Services.GetRequiredService<ChorusMetrics>();
        var peerHost = $"*:{options.PeerPortOrDefault}";
        var httpHost = $"*:{options.HttpPortOrDefault}";
        web.MapGrpcService<PeerService>().RequireHost(peerHost);
        web.MapGet("/health", () => HealthReport(node)).RequireHost(httpHost);
        web.MapPrometheusScrapingEndpoint("/metrics").RequireHost(httpHost);
        web.MapDashboard(httpHost);
        web.MapDashboardActions(httpHost);
        ChangeCapture.CdcEndpoint.MapChangeCapture(web, httpHost, node);
    }

    private static IResult HealthReport(NodeServices node)
    {
        var status = node.Driver.Status;
        var healthy = status.Role == NodeRole.Leader || status.Link?.IsUp == true;
        var body = new
        {
            status = healthy ? "ok" : "degraded",
            node = status.Self.Value,
            role = status.Role.ToString().ToLowerInvariant(),
            leader = status.Leader?.Value,
            epoch = status.Epoch.Value,
            lastLsn = status.Last.Lsn.Value,
            flushedLsn = status.Flushed.Value,
            leaderLinkUp = status.Link?.IsUp,
            lagEntries = status.Link?.LagEntries,
        };
        return healthy ? Results.Ok(body) : Results.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static IPAddress BindAddress(string host) => host switch
    {
        "*" or "0.0.0.0" => IPAddress.Any,
        "::" => IPAddress.IPv6Any,
        "localhost" => IPAddress.Loopback,
        _ => IPAddress.TryParse(host, out var address) ? address : throw new ConfigurationError($"Host must be an IP address, '*' or 'localhost', not '{host}'"),
    };

    /// <summary>The driver's view of the transport; it shows keep-alive messages to <see cref="BusyLoopKeepAlive"/> on their way.</summary>
    private sealed class TransportAdapter(GrpcTransport transport, BusyLoopKeepAlive keepAlive, TimeProvider clock) : ITransport
    {
        public void Send(Core.Messaging.Envelope message)
        {
            if (message.KeepAlive)
            {
                keepAlive.Record(message, clock.GetUtcNow().ToUnixTimeMilliseconds()); // the clock is read only for the few messages it keeps
            }
            transport.Send(message);
        }
    }
}
