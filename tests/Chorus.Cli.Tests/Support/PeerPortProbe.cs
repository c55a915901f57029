using Chorus.Transport.Grpc.Protocol;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace Chorus.Cli.Tests.Support;

/// <summary>
/// What an attacker on the host tries first against a peer port (issue 17, finding 5): a forged
/// Forward, claiming to come from a member, over plain HTTP/2 and over TLS without a client
/// certificate. Both must be refused by TLS — the handshake or the connection it closed — before
/// any service runs, so the forged write is never applied.
/// </summary>
internal static class PeerPortProbe
{
    /// <summary>The key a forged Forward tries to write: its absence afterwards shows nothing ran.</summary>
    public const string ForgedKey = "forged:by-probe";

    /// <summary>Asserts that both forged calls to 127.0.0.1:<paramref name="peerPort"/> fail before the service; returns how each failed, for the test's output.</summary>
    public static async Task<string> AssertRefusesCallersWithoutCertificateAsync(int peerPort, string claimedSender)
    {
        var report = new List<string>();
        foreach (var tls in new[] { false, true })
        {
            using var channel = Channel(peerPort, tls);
            var failure = await FailureOfForwardAsync(new Peer.PeerClient(channel), claimedSender);
            var what = tls ? "TLS without a client certificate" : "plain HTTP/2";
            report.Add($"{what}: {failure.StatusCode} {failure.Status.Detail}");
            // PermissionDenied or OK would mean the service saw the call: only TLS may refuse it.
            Assert.True(failure.StatusCode is StatusCode.Unavailable or StatusCode.Internal,
                $"{what} reached the peer service on port {peerPort}: {failure.StatusCode} {failure.Status.Detail}");
        }
        return string.Join('\n', report);
    }

    private static async Task<RpcException> FailureOfForwardAsync(Peer.PeerClient client, string from)
    {
        var request = new ForwardRequest { Protocol = 2, From = from };
        request.Commands.Add(new Command { Args = { ByteString.CopyFromUtf8("SET"), ByteString.CopyFromUtf8(ForgedKey), ByteString.CopyFromUtf8("x") } });
        try
        {
            await client.ForwardAsync(request, deadline: DateTime.UtcNow.AddSeconds(10));
        }
        catch (RpcException e)
        {
            return e;
        }
        throw new Xunit.Sdk.XunitException($"a forged Forward from '{from}' without a certificate succeeded");
    }

    private static GrpcChannel Channel(int peerPort, bool tls)
    {
        var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5), UseProxy = false };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true; // an attacker trusts anything
        var address = new Uri($"{(tls ? "https" : "http")}://127.0.0.1:{peerPort}");
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = handler });
    }
}
