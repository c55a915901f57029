using System.Security.Cryptography.X509Certificates;
using Chorus.Server.Configuration;
using Chorus.Server.Security;
using Chorus.Server.Tests.Support;
using Chorus.Testing;
using StackExchange.Redis;

namespace Chorus.Server.Tests.Security;

/// <summary>A node with Redis's TLS settings: tls-port, its certificate and key, and client certificates required.</summary>
public sealed class TlsNode : SingleNode
{
    public string CertDirectory { get; } = Path.Combine(Path.GetTempPath(), "chorus-certs-" + Guid.NewGuid().ToString("N"));

    public int TlsPort { get; } = FreePorts.Next();

    public X509Certificate2 Ca { get; private set; } = null!;

    protected override void Configure(ChorusOptions options)
    {
        var now = DateTimeOffset.UtcNow;
        Ca = DevCertificates.LoadOrCreateCa(CertDirectory, now);
        using var server = DevCertificates.Issue(Ca, "n1", [], now);
        using var client = DevCertificates.Issue(Ca, "app", [], now);
        var (certFile, keyFile) = DevCertificates.Write(server, CertDirectory, "n1");
        DevCertificates.Write(client, CertDirectory, "app");
        options.TlsPort = TlsPort;
        options.TlsCertFile = certFile;
        options.TlsKeyFile = keyFile;
        options.TlsCaCertFile = Path.Combine(CertDirectory, "ca.crt");
        options.TlsAuthClients = "yes";
    }

    /// <summary>A StackExchange.Redis configuration for the TLS port (ssl=true) that trusts the node's CA, with an optional client certificate.</summary>
    public ConfigurationOptions TlsClient(string? clientCertificate)
    {
        var configuration = Configuration(TlsPort);
        configuration.Ssl = true;
        configuration.SslHost = "localhost";
        configuration.AbortOnConnectFail = true;
        configuration.ConnectTimeout = 5000;
        configuration.CertificateValidation += ClientTls.TrustOnly(Ca);
        if (clientCertificate is not null)
        {
            var certificate = X509Certificate2.CreateFromPemFile(Path.Combine(CertDirectory, clientCertificate + ".crt"), Path.Combine(CertDirectory, clientCertificate + ".key"));
            configuration.CertificateSelection += delegate { return certificate; };
        }
        return configuration;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(CertDirectory, recursive: true);
    }
}

/// <summary>
/// Issue 17, "What to build": TLS for clients with Redis's settings. StackExchange.Redis with
/// ssl=true connects over tls-port with a client certificate from the node's CA, and is refused
/// at the handshake without one or with one from another CA; the plain port keeps working.
/// </summary>
public sealed class TlsTests(TlsNode node) : IClassFixture<TlsNode>
{
    [Fact]
    public async Task StackExchange_redis_with_ssl_and_a_client_certificate_reads_and_writes()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(node.TlsClient("app"));
        var db = redis.GetDatabase();
        Assert.True(await db.StringSetAsync("tls:k", "over tls"));
        Assert.Equal("over tls", await db.StringGetAsync("tls:k"));
        Assert.Equal("over tls", await node.Db.StringGetAsync("tls:k"));
        var config = await redis.GetServer("127.0.0.1", node.TlsPort).ConfigGetAsync("tls-*");
        Assert.Contains(config, kv => kv.Key == "tls-auth-clients" && kv.Value == "yes");
    }

    [Fact]
    public async Task Without_a_client_certificate_the_handshake_is_refused()
    {
        await Assert.ThrowsAsync<RedisConnectionException>(() => ConnectionMultiplexer.ConnectAsync(node.TlsClient(null)));
    }

    [Fact]
    public async Task A_client_certificate_from_another_ca_is_refused()
    {
        var now = DateTimeOffset.UtcNow;
        using var otherCa = DevCertificates.CreateCa("someone else", now);
        using var impostor = DevCertificates.Issue(otherCa, "impostor", [], now);
        DevCertificates.Write(impostor, node.CertDirectory, "impostor");
        await Assert.ThrowsAsync<RedisConnectionException>(() => ConnectionMultiplexer.ConnectAsync(node.TlsClient("impostor")));
    }

    [Fact]
    public void Development_certificates_chain_to_their_ca_only()
    {
        var now = DateTimeOffset.UtcNow;
        using var leaf = DevCertificates.Issue(node.Ca, "n2", ["db.example"], now);
        Assert.True(ClientTls.ChainsTo(leaf, node.Ca));
        using var other = DevCertificates.CreateCa("other", now);
        Assert.False(ClientTls.ChainsTo(leaf, other));
        Assert.True(leaf.MatchesHostname("db.example"));
        Assert.True(leaf.MatchesHostname("localhost"));
    }
}
