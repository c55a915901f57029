using System.CommandLine;
using Chorus.Server.Security;

namespace Chorus.Cli;

/// <summary>
/// `chorus cert`: a development certificate authority and certificates it signs, as PEM files,
/// made with .NET's own cryptography (no openssl). The CA is created on first use and reused,
/// so certificates for more nodes or clients can be added later.
/// </summary>
internal static class CertCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Directory for ca.crt/ca.key and the certificates (created if needed).", DefaultValueFactory = _ => "certs" };
        var names = new Argument<string[]>("names") { Description = "Names to issue certificates for (node ids or client names); each gets NAME.crt and NAME.key.", Arity = ArgumentArity.ZeroOrMore };
        var hosts = new Option<string[]>("--host") { Description = "Extra host names or IP addresses the certificates are valid for (localhost, 127.0.0.1 and ::1 always are).", AllowMultipleArgumentsPerToken = true };
        var command = new Command("cert", "Create a development CA (once) and certificates it signs: TLS for clients (tls-cert-file, tls-key-file, tls-ca-cert-file).") { names, output, hosts };
        command.SetAction(r => Run(r.GetValue(output)!, r.GetValue(names) ?? [], r.GetValue(hosts) ?? [], Console.Out));
        return command;
    }

    internal static int Run(string directory, IReadOnlyList<string> names, IReadOnlyList<string> hosts, TextWriter console)
    {
        var now = DateTimeOffset.UtcNow;
        var existed = File.Exists(Path.Combine(directory, DevCertificates.CaName + ".crt"));
        using var ca = DevCertificates.LoadOrCreateCa(directory, now);
        console.WriteLine($"{(existed ? "using" : "created")} the CA {Path.Combine(directory, "ca.crt")} (its key, ca.key, signs certificates: keep it private)");
        foreach (var name in names.DefaultIfEmpty("client"))
        {
            using var certificate = DevCertificates.Issue(ca, name, hosts, now);
            var (certFile, keyFile) = DevCertificates.Write(certificate, directory, name);
            console.WriteLine($"issued {certFile} and {keyFile} for {name}, valid until {certificate.NotAfter:yyyy-MM-dd}");
        }
        console.WriteLine($"a node: --tls-port 7389 --tls-cert-file {Path.Combine(directory, "NODE.crt")} --tls-key-file {Path.Combine(directory, "NODE.key")} --tls-ca-cert-file {Path.Combine(directory, "ca.crt")}");
        console.WriteLine($"a client: redis-cli --tls -p 7389 --cacert {Path.Combine(directory, "ca.crt")} --cert {Path.Combine(directory, "client.crt")} --key {Path.Combine(directory, "client.key")}");
        return 0;
    }
}
