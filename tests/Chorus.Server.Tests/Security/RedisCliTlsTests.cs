using System.Diagnostics;
using System.Globalization;
using Chorus.Cli.Tests.Support;
using Chorus.Testing;

namespace Chorus.Server.Tests.Security;

/// <summary>
/// Issue 17, "What to build": TLS for clients such that `redis-cli --tls` works. The real
/// redis-cli (Debian's redis-tools, OpenSSL through hiredis — not .NET's TLS on both ends) writes
/// and reads over tls-port with a client certificate from the node's CA, and gets no reply
/// without one. scripts/tls-smoke.sh does the same by hand, with a password.
/// </summary>
public sealed class RedisCliTlsTests(TlsNode node) : IClassFixture<TlsNode>
{
    [Fact]
    public async Task Redis_cli_with_tls_and_a_client_certificate_writes_and_reads()
    {
        var cli = await DebianPackages.FindOrInstallAsync(Checkout.Root(), "redis", "redis-cli",
            "The TLS test runs the real redis-cli --tls", TestContext.Current.CancellationToken);
        var certificate = new[] { "--cert", Certificate("app.crt"), "--key", Certificate("app.key") };

        Assert.Equal((0, "OK"), await RunAsync(cli, [.. certificate, "SET", "tls:cli", "from redis-cli"]));
        Assert.Equal((0, "from redis-cli"), await RunAsync(cli, [.. certificate, "GET", "tls:cli"]));
        Assert.Equal("from redis-cli", await node.Db.StringGetAsync("tls:cli"));

        // tls-auth-clients yes: no certificate, no reply (redis-cli reports the failed handshake or the closed connection).
        var (_, withoutCertificate) = await RunAsync(cli, ["PING"]);
        Assert.NotEqual("PONG", withoutCertificate);
    }

    private string Certificate(string file) => Path.Combine(node.CertDirectory, file);

    /// <summary>Runs redis-cli against the node's TLS port, trusting its CA; returns the exit code and output (stdout and stderr, trimmed).</summary>
    private async Task<(int ExitCode, string Output)> RunAsync(string cli, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(cli) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])["--tls", "-h", "127.0.0.1", "-p", node.TlsPort.ToString(CultureInfo.InvariantCulture), "--cacert", Certificate("ca.crt"), .. arguments])
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not run {cli}");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException($"redis-cli {string.Join(' ', start.ArgumentList)} did not finish within 30 s");
        }
        return (process.ExitCode, (await output + await errors).Trim());
    }
}
