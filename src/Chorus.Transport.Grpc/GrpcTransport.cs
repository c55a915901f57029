using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Chorus.Core;
using Chorus.Core.Messaging;
using Chorus.Transport.Grpc.Protocol;
using Chorus.Transport.Grpc.Security;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace Chorus.Transport.Grpc;

/// <summary>
/// Peer messaging over gRPC (HTTP/2, with mutual TLS unless switched off): two outbound streams
/// per peer, one per <see cref="MessageLane"/> (so a heartbeat never queues behind the pieces of
/// a large log entry), plus unary calls for forwarded writes and snapshots. Peers come and go as the
/// cluster's membership changes (<see cref="UpdatePeers"/>), and so does who may call this node
/// (<see cref="Membership"/>).
/// </summary>
public sealed class GrpcTransport : IAsyncDisposable
{
    /// <summary>Large enough for a full AppendEntries batch plus headroom.</summary>
    public const int MessageBytesMax = 64 << 20;

    private readonly NodeId _self;
    private readonly IPeerInbox _inbox;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly PeerTls? _tls;
    private readonly ConcurrentDictionary<NodeId, Link> _links = new();
    private readonly Lock _membership = new();
    private bool _started;
    private bool _disposed;

    /// <param name="tls">This node's certificate and the cluster's CA; null: plain HTTP/2 (PeerTls no).</param>
    public GrpcTransport(NodeId self, IReadOnlyDictionary<NodeId, Uri> peers, IPeerInbox inbox, PeerTls? tls, ILoggerFactory loggers)
    {
        _self = self;
        _tls = tls;
        Membership = new PeerMembership(peers.Keys);
        _inbox = inbox;
        _loggers = loggers;
        _logger = loggers.CreateLogger<GrpcTransport>();
        UpdatePeers(peers);
    }

    /// <summary>The members of the cluster, as this node knows them: the only nodes its peer listener serves.</summary>
    public PeerMembership Membership { get; }

    public void Start()
    {
        lock (_membership)
        {
            _started = true;
            foreach (var link in _links.Values)
            {
                link.Start();
            }
        }
    }

    /// <summary>Connects to new peers and drops departed ones; an address change reconnects.</summary>
    public void UpdatePeers(IReadOnlyDictionary<NodeId, Uri> peers)
    {
        lock (_membership)
        {
            if (_disposed)
            {
                return;
            }
            Membership.Replace(peers.Keys);
            foreach (var (id, link) in _links)
            {
                if (!peers.TryGetValue(id, out var address) || address != link.Address)
                {
                    _links.TryRemove(id, out _);
                    _ = link.DisposeAsync().AsTask();
                }
            }
            foreach (var (id, address) in peers)
            {
                if (id == _self || _links.ContainsKey(id))
                {
                    continue;
                }
                var link = new Link(_self, id, address, _inbox, _tls, _loggers, _logger);
                _links[id] = link;
                if (_started)
                {
                    link.Start();
                }
            }
        }
    }

    public void Send(Envelope message)
    {
        if (_links.TryGetValue(message.To, out var link))
        {
            (message.Lane == MessageLane.Bulk ? link.Bulk : link.Connection).Enqueue(message);
        }
    }

    public bool IsConnected(NodeId peer) => _links.TryGetValue(peer, out var link) && link.Connection.IsConnected;

    /// <summary>Sends write commands to <paramref name="leader"/> and returns its replies; no <paramref name="timeout"/>: no deadline (a blocking command).</summary>
    public async Task<ForwardReply> ForwardAsync(NodeId leader, ForwardRequest request, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        if (!_links.TryGetValue(leader, out var link))
        {
            throw new InvalidOperationException($"no peer address is known for the leader {leader}");
        }
        return await link.Connection.Client.ForwardAsync(request, deadline: timeout is { } within ? DateTime.UtcNow + within : null, cancellationToken: cancellationToken);
    }

    /// <summary>Asks <paramref name="leader"/> about a named session (see <see cref="ISessionHandler"/>).</summary>
    public async Task<SessionReply> SessionAsync(NodeId leader, SessionRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!_links.TryGetValue(leader, out var link))
        {
            throw new InvalidOperationException($"no peer address is known for the leader {leader}");
        }
        request.From = _self.Value;
        return await link.Connection.Client.SessionAsync(request, deadline: DateTime.UtcNow + timeout, cancellationToken: cancellationToken);
    }

    /// <summary>Starts streaming a snapshot from <paramref name="leader"/>.</summary>
    public AsyncServerStreamingCall<SnapshotChunk> FetchSnapshot(NodeId leader, CancellationToken cancellationToken)
    {
        if (!_links.TryGetValue(leader, out var link))
        {
            throw new InvalidOperationException($"no peer address is known for the leader {leader}");
        }
        return link.Connection.Client.FetchSnapshot(new SnapshotRequest { From = _self.Value }, cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Opens the <see cref="SnapshotStream"/> to <paramref name="leader"/>'s peer port (its own
    /// connection, with this node's TLS identity) and returns it positioned at the first file's
    /// bytes, with the leader's manifest.
    /// </summary>
    public async Task<(Stream Stream, SnapshotManifest Manifest)> OpenSnapshotStreamAsync(NodeId leader, CancellationToken cancellationToken)
    {
        if (!_links.TryGetValue(leader, out var link))
        {
            throw new InvalidOperationException($"no peer address is known for the leader {leader}");
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(link.Address.Host, link.Address.Port, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            if (_tls is not null)
            {
                var ssl = new SslStream(stream);
                stream = ssl;
                var options = _tls.ClientOptions(leader);
                options.TargetHost = link.Address.Host;
                // The peer port is HTTP/2-only: offer what it expects, as gRPC does.
                options.ApplicationProtocols = [SslApplicationProtocol.Http2];
                await ssl.AuthenticateAsClientAsync(options, cancellationToken);
            }
            await SnapshotStream.WriteRequestAsync(stream, _self.Value, cancellationToken);
            return (stream, await SnapshotStream.ReadReplyAsync(stream, cancellationToken));
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    /// <summary>Opens a Merkle resync with <paramref name="leader"/> (the caller sends its id in the first frame).</summary>
    public AsyncDuplexStreamingCall<ResyncFrame, ResyncFrame> Resync(NodeId leader, CancellationToken cancellationToken) =>
        _links.TryGetValue(leader, out var link)
            ? link.Connection.Client.Resync(cancellationToken: cancellationToken)
            : throw new InvalidOperationException($"no peer address is known for the leader {leader}");

    public async ValueTask DisposeAsync()
    {
        Link[] links;
        lock (_membership)
        {
            _disposed = true;
            links = [.. _links.Values];
            _links.Clear();
        }
        await Task.WhenAll(links.Select(l => l.DisposeAsync().AsTask()));
    }

    private static GrpcChannelOptions ChannelOptions(NodeId peer, PeerTls? tls, ILoggerFactory loggers) => new()
    {
        LoggerFactory = loggers,
        MaxReceiveMessageSize = MessageBytesMax,
        MaxSendMessageSize = MessageBytesMax,
        HttpHandler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(1),
            // Notice a peer that stopped answering (paused, or its host gone) without a write failing.
            KeepAlivePingDelay = TimeSpan.FromSeconds(1),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(2),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            EnableMultipleHttp2Connections = true,
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
            SslOptions = tls?.ClientOptions(peer) ?? new System.Net.Security.SslClientAuthenticationOptions(),
        },
    };

    /// <summary>One peer: its channel, its two outbound streams (control and bulk, multiplexed on one HTTP/2 connection), and the loops that keep them up.</summary>
    private sealed class Link : IAsyncDisposable
    {
        private readonly GrpcChannel _channel;
        private readonly CancellationTokenSource _stopping = new();
        private Task _loop = Task.CompletedTask;
        private Task _bulkLoop = Task.CompletedTask;

        public Link(NodeId self, NodeId peer, Uri address, IPeerInbox inbox, PeerTls? tls, ILoggerFactory loggers, ILogger logger)
        {
            Address = address;
            var endpoint = new UriBuilder(address) { Scheme = tls is null ? Uri.UriSchemeHttp : Uri.UriSchemeHttps }.Uri;
            _channel = GrpcChannel.ForAddress(endpoint, ChannelOptions(peer, tls, loggers));
            var client = new Peer.PeerClient(_channel);
            Connection = new PeerConnection(self, peer, client, inbox, logger, MessageLane.Control);
            Bulk = new PeerConnection(self, peer, client, inbox, logger, MessageLane.Bulk);
        }

        public Uri Address { get; }

        /// <summary>The control lane, which also says whether the peer is reachable.</summary>
        public PeerConnection Connection { get; }

        public PeerConnection Bulk { get; }

        public void Start()
        {
            _loop = Task.Run(() => Connection.RunAsync(_stopping.Token));
            _bulkLoop = Task.Run(() => Bulk.RunAsync(_stopping.Token));
        }

        public async ValueTask DisposeAsync()
        {
            await _stopping.CancelAsync();
            await Task.WhenAll(_loop, _bulkLoop);
            _channel.Dispose();
            _stopping.Dispose();
        }
    }
}
