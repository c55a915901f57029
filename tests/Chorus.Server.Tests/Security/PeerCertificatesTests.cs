using Chorus.Core;
using Chorus.Server.Configuration;
using Chorus.Server.Security;
using Chorus.Transport.Grpc.Security;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chorus.Server.Tests.Security;

/// <summary>
/// Issue 17, finding 5: peers authenticate with mutual TLS by default. A node of a larger cluster
/// never starts without a peer certificate (it would otherwise run unauthenticated by accident),
/// its certificate must name it, and switching peer TLS off is an explicit setting.
/// </summary>
public sealed class PeerCertificatesTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "chorus-peer-certs-" + Guid.NewGuid().ToString("N"));

    private static ChorusOptions Cluster(string self) => new()
    {
        NodeId = self,
        Peers = new() { ["n1"] = "127.0.0.1:17379", ["n2"] = "127.0.0.1:17380", ["n3"] = "127.0.0.1:17381" },
        Leader = "n1",
    };

    [Fact]
    public void A_node_of_a_larger_cluster_without_a_peer_certificate_refuses_to_start_and_says_how_to_make_one()
    {
        var error = Assert.Throws<ConfigurationError>(() => Cluster("n1").Validate());
        Assert.Contains("chorus cert", error.Message, StringComparison.Ordinal);
        Assert.Contains("--peer-tls no", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Peer_tls_off_is_an_explicit_choice()
    {
        var options = Cluster("n1");
        options.PeerTls = "no";
        Assert.Equal(3, options.Validate().Count);
        Assert.Null(PeerCertificates.Load(options, 3, NullLogger.Instance));
    }

    [Fact]
    public void A_certificate_directory_from_chorus_cert_gives_the_node_its_identity()
    {
        Issue("n1", "n2");
        var options = Cluster("n2");
        options.PeerTlsDir = _directory;
        options.Validate();
        var tls = PeerCertificates.Load(options, 3, NullLogger.Instance)!;
        Assert.Equal(new NodeId("n2"), PeerTls.IdentityOf(tls.Certificate));
    }

    [Fact]
    public void A_certificate_that_names_another_node_is_refused()
    {
        Issue("n1");
        var options = Cluster("n2");
        options.PeerTlsCertFile = Path.Combine(_directory, "n1.crt");
        options.PeerTlsKeyFile = Path.Combine(_directory, "n1.key");
        options.PeerTlsCaCertFile = Path.Combine(_directory, "ca.crt");
        var error = Assert.Throws<ConfigurationError>(() => PeerCertificates.Load(options, 3, NullLogger.Instance));
        Assert.Contains("names 'n1', not this node (n2)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_one_node_cluster_without_certificates_gets_a_throwaway_one_that_trusts_no_peer()
    {
        var options = new ChorusOptions { NodeId = "solo" };
        var tls = PeerCertificates.Load(options, 1, NullLogger.Instance)!;
        Assert.Equal(new NodeId("solo"), PeerTls.IdentityOf(tls.Certificate));
        Issue("n1");
        using var stranger = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(Path.Combine(_directory, "n1.crt"), Path.Combine(_directory, "n1.key"));
        Assert.False(tls.IsIssuedByCa(stranger, new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.2")));
    }

    private void Issue(params string[] names)
    {
        var now = DateTimeOffset.UtcNow;
        using var ca = DevCertificates.LoadOrCreateCa(_directory, now);
        foreach (var name in names)
        {
            using var certificate = DevCertificates.Issue(ca, name, [], now);
            DevCertificates.Write(certificate, _directory, name);
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
