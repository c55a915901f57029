using System.Security.Cryptography.X509Certificates;
using Chorus.Cli.Tests.Support;
using Chorus.Core;
using Chorus.Core.Messaging;
using Chorus.Replication.Messages;
using Chorus.Server.Security;
using Chorus.Transport.Grpc.Protocol;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace Chorus.Cli.Tests;

/// <summary>
/// Issue 17, finding 5: the peer port trusted anyone — a forged Forward ran a write,
/// FetchSnapshot returned the whole database, one forged VoteResponse with a higher epoch deposed
/// the leader. With mutual TLS on by default, a caller without a certificate from the cluster's
/// CA is refused at the TLS handshake, a member cannot speak for another member, and a
/// certificate for a node that is not a member opens nothing; the cluster carries on unaffected.
/// The tests share one cluster: each checks that the cluster is as it found it, so a forgery one
/// of them let through would fail that test, not the next.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class PeerAuthenticationTests(ITestOutputHelper output, SharedCluster shared) : IClassFixture<SharedCluster>
{
    private const string ForgedKey = "forged:key";

    [Fact]
    public async Task Forged_peer_calls_without_a_valid_certificate_are_refused_and_the_cluster_is_unaffected()
    {
        var cluster = shared.Cluster;
        var before = await cluster.InfoAsync("n1");
        var otherCa = Path.Combine(cluster.Root, "other-ca");
        var impostor = IssueFromAnotherCa(otherCa, "n2");

        foreach (var (name, channel) in new[]
        {
            ("plain HTTP/2", Channel(cluster, "n1", tls: false, clientCertificate: null)),
            ("TLS without a client certificate", Channel(cluster, "n1", tls: true, clientCertificate: null)),
            ("TLS with a certificate named n2 from another CA", Channel(cluster, "n1", tls: true, clientCertificate: impostor)),
        })
        {
            using (channel)
            {
                var client = new Peer.PeerClient(channel);
                AssertRefusedBeforeTheService(name + ": Forward", await FailureOf(() => ForgeForwardAsync(client, "n2")));
                AssertRefusedBeforeTheService(name + ": FetchSnapshot", await FailureOf(() => FetchSnapshotAsync(client, "n2")));
                AssertRefusedBeforeTheService(name + ": VoteResponse", await FailureOf(() => ForgeVoteResponseAsync(client, "n2", "n1", before)));
            }
        }

        await AssertUnaffectedAsync(cluster, before);
    }

    [Fact]
    public async Task A_member_cannot_speak_for_another_and_a_non_member_certificate_opens_nothing()
    {
        var cluster = shared.Cluster;
        var before = await cluster.InfoAsync("n1");
        // The shared cluster's n1 may have refused peers for an earlier test: count this test's refusals.
        var refusalsBefore = Refusals(cluster);
        var certificates = cluster.PeerCertificates("n2");
        using var n2 = Load(certificates, "n2");
        cluster.PeerCertificates("rogue");
        using var rogue = Load(certificates, "rogue");

        using (var channel = Channel(cluster, "n1", tls: true, n2))
        {
            var client = new Peer.PeerClient(channel);
            // n2's own certificate, claiming to be n3.
            Assert.Equal(StatusCode.PermissionDenied, (await FailureOf(() => ForgeForwardAsync(client, "n3"))).StatusCode);
            Assert.Equal(StatusCode.PermissionDenied, (await FailureOf(() => FetchSnapshotAsync(client, "n3"))).StatusCode);
            Assert.Equal(StatusCode.PermissionDenied, (await FailureOf(() => ForgeVoteResponseAsync(client, "n3", "n1", before))).StatusCode);
        }
        using (var channel = Channel(cluster, "n1", tls: true, rogue))
        {
            // A certificate from the cluster's CA for a node that is not a member (what CHORUS.NODE ADD would need first).
            var client = new Peer.PeerClient(channel);
            AssertRefusedBeforeTheService("rogue: Forward", await FailureOf(() => ForgeForwardAsync(client, "rogue")));
            AssertRefusedBeforeTheService("rogue: FetchSnapshot", await FailureOf(() => FetchSnapshotAsync(client, "rogue")));
        }

        await AssertUnaffectedAsync(cluster, before);
        Assert.True(Refusals(cluster) > refusalsBefore, $"n1 logged no refusal of a peer:\n{cluster.Output("n1")}");
    }

    /// <summary>How many "refused a peer" lines n1 has logged.</summary>
    private static int Refusals(ProcessCluster cluster) =>
        cluster.Output("n1").Split('\n').Count(line => line.Contains("refused a peer", StringComparison.Ordinal));

    /// <summary>The leader, its epoch and its log are as they were; the forged write is nowhere; the cluster still replicates.</summary>
    private async Task AssertUnaffectedAsync(ProcessCluster cluster, Dictionary<string, string> before)
    {
        var after = await cluster.InfoAsync("n1");
        output.WriteLine($"n1 before: {before["chorus_role"]} epoch {before["chorus_epoch"]}; after: {after["chorus_role"]} epoch {after["chorus_epoch"]}");
        Assert.Equal("leader", after["chorus_role"]);
        Assert.Equal(before["chorus_epoch"], after["chorus_epoch"]);
        foreach (var member in cluster.Members)
        {
            Assert.True((await cluster.CommandAsync(member.Id, "GET", ForgedKey)).IsNull, $"{member.Id} holds the forged write");
        }
        Assert.Equal("OK", (await cluster.CommandAsync("n1", "SET", "after", "forgery")).AsString());
        await cluster.WaitForReplicationAsync();
        Assert.Equal("forgery", (await cluster.CommandAsync("n3", "GET", "after")).AsString());
    }

    /// <summary>Refused by TLS (the handshake, or the connection it closed), never by the service: nothing ran.</summary>
    private void AssertRefusedBeforeTheService(string what, RpcException failure)
    {
        output.WriteLine($"{what}: {failure.StatusCode} {failure.Status.Detail}");
        Assert.Contains(failure.StatusCode, new[] { StatusCode.Unavailable, StatusCode.Internal });
    }

    private static async Task ForgeForwardAsync(Peer.PeerClient client, string from)
    {
        var request = new ForwardRequest { Protocol = 2, From = from };
        request.Commands.Add(new Command { Args = { ByteString.CopyFromUtf8("SET"), ByteString.CopyFromUtf8(ForgedKey), ByteString.CopyFromUtf8("x") } });
        await client.ForwardAsync(request, deadline: DateTime.UtcNow.AddSeconds(10));
    }

    private static async Task FetchSnapshotAsync(Peer.PeerClient client, string from)
    {
        using var call = client.FetchSnapshot(new SnapshotRequest { From = from }, deadline: DateTime.UtcNow.AddSeconds(10));
        await foreach (var _ in call.ResponseStream.ReadAllAsync())
        {
            Assert.Fail("a snapshot chunk reached an unauthenticated caller");
        }
    }

    /// <summary>The message that deposed a leader before: a granted vote from a much newer epoch.</summary>
    private static async Task ForgeVoteResponseAsync(Peer.PeerClient client, string from, string to, Dictionary<string, string> leaderInfo)
    {
        var epoch = new Epoch(ulong.Parse(leaderInfo["chorus_epoch"], System.Globalization.CultureInfo.InvariantCulture) + 1000);
        var vote = PeerMessageCodec.Encode(new VoteResponse(new NodeId(from), new NodeId(to), epoch, Granted: true, PreVote: false));
        using var call = client.Stream(deadline: DateTime.UtcNow.AddSeconds(10));
        try
        {
            await call.RequestStream.WriteAsync(new PeerFrame { From = from });
            var frame = new PeerFrame { From = from, Family = MessageFamily.SingleLeader.Value };
            frame.Messages.Add(ByteString.CopyFrom(vote));
            await call.RequestStream.WriteAsync(frame);
            await call.RequestStream.CompleteAsync();
        }
        catch (RpcException)
        {
            // The node ended the call while frames were still being written: its answer is the call's status.
        }
        await call.ResponseAsync;
    }

    private static async Task<RpcException> FailureOf(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (RpcException e)
        {
            return e;
        }
        catch (IOException e)
        {
            // A streaming call may fail at its first write instead of at the call: the connection
            // was refused at the handshake all the same (HttpIOException, "did not complete the HTTP/2 handshake").
            return new RpcException(new Status(StatusCode.Unavailable, e.Message, e));
        }
        throw new Xunit.Sdk.XunitException("the forged call succeeded");
    }

    private static GrpcChannel Channel(ProcessCluster cluster, string node, bool tls, X509Certificate2? clientCertificate)
    {
        var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5), UseProxy = false };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true; // an attacker trusts anything
        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
        }
        var address = new Uri($"{(tls ? "https" : "http")}://127.0.0.1:{cluster[node].PeerPort}");
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = handler });
    }

    private static X509Certificate2 IssueFromAnotherCa(string directory, string name)
    {
        var now = DateTimeOffset.UtcNow;
        using var ca = DevCertificates.LoadOrCreateCa(directory, now);
        return DevCertificates.Issue(ca, name, [], now);
    }

    private static X509Certificate2 Load(string directory, string name) =>
        X509Certificate2.CreateFromPemFile(Path.Combine(directory, name + ".crt"), Path.Combine(directory, name + ".key"));
}
