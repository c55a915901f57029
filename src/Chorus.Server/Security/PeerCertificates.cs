using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Chorus.Server.Configuration;
using Chorus.Transport.Grpc.Security;
using Microsoft.Extensions.Logging;

namespace Chorus.Server.Security;

/// <summary>
/// This node's peer certificate and the cluster's CA, from the PeerTls settings: explicit files,
/// or a directory as `chorus cert` writes it (ca.crt, &lt;node id&gt;.crt and .key). A one-node
/// cluster without any gets a throwaway certificate of its own (it has no peer to trust); a
/// larger one refuses to start without them rather than run unauthenticated by accident.
/// </summary>
public static class PeerCertificates
{
    /// <summary>The three files these settings name, or null when none is set (and no directory).</summary>
    public static (string Cert, string Key, string Ca)? Files(ChorusOptions options)
    {
        var dir = options.PeerTlsDir;
        var cert = Pick(options.PeerTlsCertFile, dir, options.NodeId + ".crt");
        var key = Pick(options.PeerTlsKeyFile, dir, options.NodeId + ".key");
        var ca = Pick(options.PeerTlsCaCertFile, dir, DevCertificates.CaName + ".crt");
        if (cert.Length == 0 && key.Length == 0 && ca.Length == 0)
        {
            return null;
        }
        if (cert.Length == 0 || key.Length == 0 || ca.Length == 0)
        {
            throw new ConfigurationError("peer TLS needs all of PeerTlsCertFile, PeerTlsKeyFile and PeerTlsCaCertFile (or PeerTlsDir holding ca.crt and <node id>.crt/.key)");
        }
        return (cert, key, ca);
    }

    /// <summary>Checks the settings without reading files: a cluster of several nodes needs certificates (or PeerTls no).</summary>
    public static void Validate(ChorusOptions options, int members)
    {
        if (ChorusOptions.YesNo(options.PeerTls, nameof(ChorusOptions.PeerTls)) && members > 1 && Files(options) is null)
        {
            throw new ConfigurationError(
                "PeerTls is on (the default) but this node has no peer certificate: make them with `chorus cert --out certs n1 n2 n3` "
                + "and start each node with --peer-tls-dir certs (`chorus cluster up` does both), or set --peer-tls no on a network you trust entirely");
        }
    }

    /// <summary>This node's peer TLS, or null when PeerTls is no.</summary>
    public static PeerTls? Load(ChorusOptions options, int members, ILogger logger)
    {
        if (!ChorusOptions.YesNo(options.PeerTls, nameof(ChorusOptions.PeerTls)))
        {
            logger.LogWarning("peer TLS is off (PeerTls no): any process that reaches the peer port can claim to be a member");
            return null;
        }
        Validate(options, members);
        if (Files(options) is not { } files)
        {
            logger.LogInformation("peer TLS: no peer certificate configured; this one-node cluster uses a throwaway one and accepts no peers");
            return PeerTls.Ephemeral(options.Self, DateTimeOffset.UtcNow);
        }
        X509Certificate2 certificate;
        X509Certificate2 ca;
        try
        {
            certificate = X509Certificate2.CreateFromPemFile(files.Cert, files.Key);
            ca = X509CertificateLoader.LoadCertificateFromFile(files.Ca);
        }
        catch (Exception e) when (e is IOException or CryptographicException or ArgumentException)
        {
            throw new ConfigurationError($"peer TLS: {e.Message} ({files.Cert}, {files.Key}, {files.Ca})");
        }
        var tls = new PeerTls(certificate, ca);
        if (PeerTls.IdentityOf(certificate) != options.Self)
        {
            throw new ConfigurationError($"peer TLS: {files.Cert} names '{certificate.GetNameInfo(X509NameType.SimpleName, false)}', not this node ({options.Self})");
        }
        if (!tls.IsIssuedByCa(certificate, new Oid("1.3.6.1.5.5.7.3.2")))
        {
            throw new ConfigurationError($"peer TLS: {files.Cert} is not signed by {files.Ca} for TLS client authentication");
        }
        logger.LogInformation("peer TLS: this node is {Node} ({Certificate}, valid until {NotAfter:yyyy-MM-dd}); peers must present certificates from {Ca}",
            options.Self, files.Cert, certificate.NotAfter, files.Ca);
        return tls;
    }

    private static string Pick(string file, string dir, string name) =>
        file.Length > 0 ? file : dir.Length > 0 ? Path.Combine(dir, name) : "";
}
