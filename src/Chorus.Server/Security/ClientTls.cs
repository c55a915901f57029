using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Chorus.Server.Configuration;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Chorus.Server.Security;

/// <summary>
/// TLS for RESP clients on tls-port, with Redis's settings: the node's certificate and key
/// (tls-cert-file, tls-key-file) and, for client certificates, the CA they must chain to
/// (tls-ca-cert-file) and whether one is required (tls-auth-clients yes | optional | no).
/// </summary>
public static class ClientTls
{
    public static HttpsConnectionAdapterOptions Options(ChorusOptions options)
    {
        if (string.IsNullOrEmpty(options.TlsCertFile) || string.IsNullOrEmpty(options.TlsKeyFile))
        {
            throw new ConfigurationError("TlsPort needs TlsCertFile and TlsKeyFile");
        }
        var mode = options.TlsAuthClients.ToLowerInvariant() switch
        {
            "yes" => ClientCertificateMode.RequireCertificate,
            "optional" => ClientCertificateMode.AllowCertificate,
            "no" => ClientCertificateMode.NoCertificate,
            _ => throw new ConfigurationError($"TlsAuthClients must be yes, optional or no, not '{options.TlsAuthClients}'"),
        };
        if (mode != ClientCertificateMode.NoCertificate && string.IsNullOrEmpty(options.TlsCaCertFile))
        {
            throw new ConfigurationError("TlsAuthClients yes or optional needs TlsCaCertFile, the CA client certificates must chain to");
        }
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPemFile(options.TlsCertFile, options.TlsKeyFile);
        }
        catch (Exception e) when (e is IOException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new ConfigurationError($"TlsCertFile/TlsKeyFile: {e.Message}");
        }
        var ca = mode == ClientCertificateMode.NoCertificate ? null : X509CertificateLoader.LoadCertificateFromFile(options.TlsCaCertFile);
        return new HttpsConnectionAdapterOptions
        {
            ServerCertificate = certificate,
            ClientCertificateMode = mode,
            ClientCertificateValidation = (client, _, _) => ca is not null && ChainsTo(client, ca),
            HandshakeTimeout = TimeSpan.FromSeconds(10),
        };
    }

    /// <summary>Whether <paramref name="certificate"/> was issued (directly or through intermediates) by <paramref name="ca"/>.</summary>
    public static bool ChainsTo(X509Certificate2 certificate, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    /// <summary>For clients of a node with a development CA: accept the node's certificate when it chains to <paramref name="ca"/>.</summary>
    public static RemoteCertificateValidationCallback TrustOnly(X509Certificate2 ca) =>
        (_, certificate, _, _) => certificate is not null && ChainsTo(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()), ca);
}
