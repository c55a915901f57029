using System.Net;
using Chorus.Core;
using Chorus.Replication.Messages;
using Chorus.Transport.Grpc.Protocol;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace Chorus.Transport.Grpc;

/// <summary>
/// Peer messaging over gRPC (HTTP/2 cleartext on loopback by default): one outbound stream per
/// peer, plus unary calls for forwarded writes.
/// </summary>
public sealed class GrpcTransport : IAsyncDisposable
{
    /// <summary>Large enough for a full AppendEntries batch plus headroom.</summary>
    public const int MessageBytesMax = 64 << 20;

    private readonly Dictionary<NodeId, PeerConnection> _connections = [];
    private readonly List<GrpcChannel> _channels = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];

    public GrpcTransport(NodeId self, IReadOnlyDictionary<NodeId, Uri> peers, IPeerInbox inbox, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger<GrpcTransport>();
        foreach (var (peer, address) in peers)
        {
            if (peer == self)
            {
                continue;
            }
            var channel = GrpcChannel.ForAddress(address, ChannelOptions(loggers));
            _channels.Add(channel);
            _connections[peer] = new PeerConnection(self, peer, new Peer.PeerClient(channel), inbox, logger);
        }
    }

    public void Start()
    {
        foreach (var connection in _connections.Values)
        {
            _loops.Add(Task.Run(() => connection.RunAsync(_stopping.Token)));
        }
    }

    public void Send(PeerMessage message)
    {
        if (_connections.TryGetValue(message.To, out var connection))
        {
            connection.Enqueue(message);
        }
    }

    public bool IsConnected(NodeId peer) => _connections.TryGetValue(peer, out var c) && c.IsConnected;

    /// <summary>Sends write commands to <paramref name="leader"/> and returns its replies.</summary>
    public async Task<ForwardReply> ForwardAsync(NodeId leader, ForwardRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!_connections.TryGetValue(leader, out var connection))
        {
            throw new InvalidOperationException($"no peer address is configured for the leader {leader}");
        }
        return await connection.Client.ForwardAsync(request, deadline: DateTime.UtcNow + timeout, cancellationToken: cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_loops);
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
        _stopping.Dispose();
    }

    private static GrpcChannelOptions ChannelOptions(ILoggerFactory loggers) => new()
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
        },
    };
}
