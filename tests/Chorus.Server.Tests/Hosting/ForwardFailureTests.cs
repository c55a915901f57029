using System.Net;
using ForwardFailure = Chorus.Node.ForwardFailure;
using Chorus.Server.Hosting;
using Chorus.Testing;
using Chorus.Transport.Grpc.Protocol;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Chorus.Server.Tests.Hosting;

/// <summary>
/// What a follower tells the client when its forwarded write's gRPC call fails (DESIGN §4.4,
/// "a follower forwards writes to the current leader"): "not applied" only when the request
/// cannot have reached the leader; in doubt — "may or may not have been applied" — whenever the
/// leader may have run it, including a leader that dies during the call (gRPC reports that as
/// Unavailable too, the same code as a refused connection). Real gRPC calls over loopback.
/// </summary>
public sealed class ForwardFailureTests
{
    [Fact]
    public async Task A_leader_nobody_listens_for_never_got_the_write()
    {
        using var channel = Channel(FreePorts.Next());
        var failure = await Assert.ThrowsAsync<RpcException>(() => Forward(channel));

        Assert.Equal(StatusCode.Unavailable, failure.StatusCode);
        Assert.Equal(ForwardFailure.NotDelivered, GrpcForwardLink.Failure(failure));
    }

    [Fact]
    public async Task A_leader_that_dies_during_the_call_may_have_applied_the_write()
    {
        await using var leader = await DyingLeader.StartAsync();
        using var relay = new ConnectionRelay(leader.Port);
        var dies = leader.Received.Task.ContinueWith(_ => relay.CutAll(), TaskScheduler.Default);
        using var channel = Channel(relay.Port);
        var failure = await Assert.ThrowsAsync<RpcException>(() => Forward(channel));
        await dies;

        Assert.True(leader.Received.Task.IsCompletedSuccessfully, "the leader's service had the request");
        Assert.Equal(StatusCode.Unavailable, failure.StatusCode);
        Assert.Equal(ForwardFailure.InDoubt, GrpcForwardLink.Failure(failure));
    }

    [Theory]
    [InlineData(StatusCode.PermissionDenied, ForwardFailure.NotDelivered)] // not a member: refused before the service ran
    [InlineData(StatusCode.Unauthenticated, ForwardFailure.NotDelivered)]
    [InlineData(StatusCode.Unimplemented, ForwardFailure.NotDelivered)]
    [InlineData(StatusCode.DeadlineExceeded, ForwardFailure.InDoubt)]
    [InlineData(StatusCode.Internal, ForwardFailure.InDoubt)]
    [InlineData(StatusCode.Unavailable, ForwardFailure.InDoubt)] // no sign that no connection was made
    public void A_status_from_the_leaders_side_is_classified_by_what_it_proves(StatusCode status, ForwardFailure expected) =>
        Assert.Equal(expected, GrpcForwardLink.Failure(new RpcException(new Status(status, "test"))));

    private static GrpcChannel Channel(int port) =>
        GrpcChannel.ForAddress($"http://127.0.0.1:{port}", new GrpcChannelOptions
        {
            // As the node's peer channels are set up (GrpcTransport): a SocketsHttpHandler, so the
            // channel connects through Grpc.Net.Client's subchannels.
            HttpHandler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5), UseProxy = false },
        });

    private static Task<ForwardReply> Forward(GrpcChannel channel) =>
        new Peer.PeerClient(channel).ForwardAsync(new ForwardRequest { From = "n2" }, deadline: DateTime.UtcNow.AddSeconds(60)).ResponseAsync;

    /// <summary>A leader that receives a forwarded write and never answers it (its process dies: the relay in front cuts its connections).</summary>
    private sealed class DyingLeader : Peer.PeerBase, IAsyncDisposable
    {
        private WebApplication? _app;

        public TaskCompletionSource Received { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Port { get; private set; }

        public static async Task<DyingLeader> StartAsync()
        {
            var leader = new DyingLeader { Port = FreePorts.Next() };
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, leader.Port, o => o.Protocols = HttpProtocols.Http2));
            builder.Services.AddGrpc();
            builder.Services.AddSingleton(leader);
            leader._app = builder.Build();
            leader._app.MapGrpcService<DyingLeader>();
            await leader._app.StartAsync();
            return leader;
        }

        public override async Task<ForwardReply> Forward(ForwardRequest request, ServerCallContext context)
        {
            Received.TrySetResult();
            // Never answers: the call ends when its connection is cut (or the server stops).
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
            return new ForwardReply();
        }

        public async ValueTask DisposeAsync()
        {
            if (_app is not null)
            {
                await _app.StopAsync();
                await _app.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// A TCP relay in front of the leader: what a process death looks like from the follower's
    /// side — every connection is reset at once, in the middle of whatever call was on it.
    /// </summary>
    private sealed class ConnectionRelay : IDisposable
    {
        private readonly System.Net.Sockets.TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<System.Net.Sockets.Socket> _sockets = [];
        private readonly int _target;

        public ConnectionRelay(int target)
        {
            _target = target;
            _listener.Start();
            _ = AcceptAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public void CutAll()
        {
            lock (_sockets)
            {
                foreach (var socket in _sockets)
                {
                    socket.LingerState = new System.Net.Sockets.LingerOption(true, 0); // a reset, as when the process is gone
                    socket.Close();
                }
                _sockets.Clear();
            }
        }

        public void Dispose()
        {
            _listener.Stop();
            CutAll();
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    var client = await _listener.AcceptSocketAsync();
                    var server = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                    await server.ConnectAsync(IPAddress.Loopback, _target);
                    lock (_sockets)
                    {
                        _sockets.Add(client);
                        _sockets.Add(server);
                    }
                    _ = PumpAsync(client, server);
                    _ = PumpAsync(server, client);
                }
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or ObjectDisposedException)
            {
                // The relay stopped.
            }
        }

        private static async Task PumpAsync(System.Net.Sockets.Socket from, System.Net.Sockets.Socket to)
        {
            var buffer = new byte[16 * 1024];
            try
            {
                int read;
                while ((read = await from.ReceiveAsync(buffer)) > 0)
                {
                    await to.SendAsync(buffer.AsMemory(0, read));
                }
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or ObjectDisposedException)
            {
                // Cut: the other direction sees it too.
            }
        }
    }
}
