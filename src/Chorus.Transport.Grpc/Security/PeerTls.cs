using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Chorus.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Chorus.Transport.Grpc.Security;

/// <summary>
/// Mutual TLS between peers. Every node holds a certificate signed by the cluster's CA whose
/// common name is its node id: that name, not anything a message says, is who the node is.
/// As a server a node requires a client certificate that chains to the CA and names a member;
/// as a client it accepts only the certificate of the very node it meant to reach (host names
/// are not checked: the node id is the identity, so advertised addresses can be anything).
/// </summary>
public sealed class PeerTls(X509Certificate2 certificate, X509Certificate2 ca)
{
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    public X509Certificate2 Certificate { get; } = certificate;

    public X509Certificate2 Ca { get; } = ca;

    /// <summary>The node a certificate belongs to: its common name, when that is a valid node id.</summary>
    public static NodeId? IdentityOf(X509Certificate? certificate)
    {
        if (certificate is null)
        {
            return null;
        }
        var name = AsCertificate2(certificate).GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        return NodeId.TryParse(name, out var id) ? id : null;
    }

    /// <summary>
    /// A self-signed certificate for <paramref name="self"/> that is also its own CA: for a
    /// one-node cluster started without peer certificates. It trusts no other node.
    /// </summary>
    public static PeerTls Ephemeral(NodeId self, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={self.Value}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ServerAuth, ClientAuth], false));
        var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(1));
        return new PeerTls(certificate, X509CertificateLoader.LoadCertificate(certificate.RawData));
    }

    /// <summary>Whether <paramref name="certificate"/> chains to the cluster's CA and may be used for <paramref name="usage"/>.</summary>
    public bool IsIssuedByCa(X509Certificate2 certificate, Oid usage)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(usage);
        return chain.Build(certificate);
    }

    /// <summary>The peer listener: a client certificate is required, from the CA, naming a current member.</summary>
    public HttpsConnectionAdapterOptions ServerOptions(PeerMembership membership) => new()
    {
        ServerCertificate = Certificate,
        ClientCertificateMode = ClientCertificateMode.RequireCertificate,
        ClientCertificateValidation = (client, _, _) =>
            IsIssuedByCa(client, ClientAuth) && IdentityOf(client) is { } id && membership.IsMember(id),
        CheckCertificateRevocation = false,
        HandshakeTimeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>Connecting to <paramref name="peer"/>: present this node's certificate; accept only <paramref name="peer"/>'s.</summary>
    public SslClientAuthenticationOptions ClientOptions(NodeId peer) => new()
    {
        ClientCertificates = [Certificate],
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        RemoteCertificateValidationCallback = (_, server, _, _) =>
            server is not null && IsIssuedByCa(AsCertificate2(server), ServerAuth) && IdentityOf(server) == peer,
    };

    private static X509Certificate2 AsCertificate2(X509Certificate certificate) =>
        certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
}
