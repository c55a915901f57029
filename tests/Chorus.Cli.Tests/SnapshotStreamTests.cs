using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Chorus.Cli.Tests.Support;
using Chorus.Server.Security;
using Chorus.Transport.Grpc;

namespace Chorus.Cli.Tests;

/// <summary>
/// Issue 14: snapshots travel on a stream of their own on the peer port (not gRPC messages), which
/// the port tells from HTTP/2 by its first bytes. It admits exactly whom every peer call admits:
/// a member's certificate claiming another member's name is refused with the reason, a certificate
/// from another CA fails the TLS handshake, and a member as itself gets the manifest and every
/// file whole, each followed by a checksum that matches its bytes. gRPC on the same port keeps
/// working (the shared cluster's other tests, and the final check here).
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class SnapshotStreamTests(ITestOutputHelper output, SharedCluster shared) : IClassFixture<SharedCluster>
{
    [Fact]
    public async Task The_snapshot_stream_serves_a_member_whole_and_refuses_whoever_every_peer_call_refuses()
    {
        var cluster = shared.Cluster;
        var certificates = cluster.PeerCertificates("n2");
        using var n2 = X509Certificate2.CreateFromPemFile(Path.Combine(certificates, "n2.crt"), Path.Combine(certificates, "n2.key"));

        var refused = await Assert.ThrowsAsync<SnapshotStreamRefusedException>(() => FetchAsync(cluster, n2, claim: "n3"));
        Assert.Contains("claims to come from 'n3'", refused.Message, StringComparison.Ordinal);

        var otherCa = Path.Combine(cluster.Root, "other-ca-stream");
        using (var ca = DevCertificates.LoadOrCreateCa(otherCa, DateTimeOffset.UtcNow))
        using (var impostor = DevCertificates.Issue(ca, "n2", [], DateTimeOffset.UtcNow))
        {
            var failure = await Record.ExceptionAsync(() => FetchAsync(cluster, impostor, claim: "n2"));
            Assert.True(failure is AuthenticationException or IOException, $"a certificate from another CA was not refused at the handshake: {failure}");
        }

        var (files, bytes) = await FetchAsync(cluster, n2, claim: "n2");
        output.WriteLine($"n1 sent {files} files, {bytes} bytes; every checksum matched");
        Assert.True(files > 0 && bytes > 0, "the snapshot held files");

        await cluster.WaitForFollowersAsync(2);
    }

    /// <summary>Reads the whole snapshot stream from n1 as <paramref name="claim"/>: (files, bytes), every checksum checked.</summary>
    private static async Task<(int Files, long Bytes)> FetchAsync(ProcessCluster cluster, X509Certificate2 certificate, string claim)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync("127.0.0.1", cluster["n1"].PeerPort, timeout.Token);
        await using var ssl = new SslStream(new NetworkStream(socket, ownsSocket: false));
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            ClientCertificates = [certificate],
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
            ApplicationProtocols = [SslApplicationProtocol.Http2],
        }, timeout.Token);
        await SnapshotStream.WriteRequestAsync(ssl, claim, timeout.Token);
        var manifest = await SnapshotStream.ReadReplyAsync(ssl, timeout.Token);
        var buffer = new byte[1 << 16];
        long total = 0;
        foreach (var file in manifest.Files)
        {
            var checksum = new SnapshotChecksum();
            for (var left = (long)file.Size; left > 0;)
            {
                var read = await ssl.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), timeout.Token);
                Assert.True(read > 0, $"the stream ended inside {file.Name}");
                checksum.Append(buffer.AsSpan(0, read));
                left -= read;
            }
            Assert.True(await SnapshotStream.ReadChecksumMatchesAsync(ssl, checksum, timeout.Token), $"{file.Name}'s checksum matches its bytes");
            total += (long)file.Size;
        }
        Assert.Equal((long)manifest.TotalBytes, total);
        return (manifest.Files.Count, total);
    }
}
