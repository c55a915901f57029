using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Chorus.Server.Security;

/// <summary>
/// A development certificate authority and the certificates it signs (ECDSA P-256), made with
/// .NET's own cryptography, no openssl: `chorus cert` writes them as PEM files for TLS between
/// clients and nodes (and, next, mutual TLS between peers).
/// </summary>
public static class DevCertificates
{
    public const string CaName = "ca";

    /// <summary>A self-signed CA valid for ten years.</summary>
    public static X509Certificate2 CreateCa(string commonName, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 1, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10));
    }

    /// <summary>
    /// A certificate for <paramref name="commonName"/> signed by <paramref name="ca"/>, valid for
    /// two years, usable by a server (TLS server auth) and as a client (TLS client auth), for the
    /// given host names and addresses (always including localhost and the loopback addresses).
    /// </summary>
    public static X509Certificate2 Issue(X509Certificate2 ca, string commonName, IEnumerable<string> hosts, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(commonName);
        foreach (var host in hosts.Append("localhost").Append("127.0.0.1").Append("::1").Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (IPAddress.TryParse(host, out var address))
            {
                names.AddIpAddress(address);
            }
            else
            {
                names.AddDnsName(host);
            }
        }
        request.CertificateExtensions.Add(names.Build());
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var signed = request.Create(ca, now.AddMinutes(-5), Min(now.AddYears(2), ca.NotAfter), serial);
        return signed.CopyWithPrivateKey(key);
    }

    /// <summary>Writes name.crt and name.key (PKCS#8, readable by its owner only).</summary>
    public static (string CertFile, string KeyFile) Write(X509Certificate2 certificate, string directory, string name)
    {
        Directory.CreateDirectory(directory);
        var certFile = Path.Combine(directory, name + ".crt");
        var keyFile = Path.Combine(directory, name + ".key");
        File.WriteAllText(certFile, certificate.ExportCertificatePem() + "\n");
        using var key = certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("the certificate has no private key");
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem() + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return (certFile, keyFile);
    }

    /// <summary>The CA in <paramref name="directory"/> (ca.crt, ca.key), created if there is none yet.</summary>
    public static X509Certificate2 LoadOrCreateCa(string directory, DateTimeOffset now)
    {
        var certFile = Path.Combine(directory, CaName + ".crt");
        var keyFile = Path.Combine(directory, CaName + ".key");
        if (File.Exists(certFile) && File.Exists(keyFile))
        {
            return X509Certificate2.CreateFromPemFile(certFile, keyFile);
        }
        var ca = CreateCa("Chorus development CA", now);
        Write(ca, directory, CaName);
        return ca;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTime b) => a.UtcDateTime < b.ToUniversalTime() ? a : new DateTimeOffset(b.ToUniversalTime());
}
