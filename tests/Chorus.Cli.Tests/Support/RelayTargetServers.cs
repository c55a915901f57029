using System.Diagnostics;
using Chorus.Testing;

namespace Chorus.Cli.Tests.Support;

/// <summary>
/// A private PostgreSQL server for the relay tests: Debian's postgresql (installed by
/// scripts/install-deps.sh postgres), initdb into a temporary directory and started with pg_ctl on
/// a free port. PostgreSQL refuses to run as root, so as root the tests run it as the postgres
/// user the package created. Stopped (immediately) and deleted on dispose.
/// </summary>
internal sealed class PostgresServer : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _directory;

    private PostgresServer(string bin, string directory, int port)
    {
        _bin = bin;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=false;Timeout=10";

    public static async Task<PostgresServer> StartAsync(CancellationToken cancellationToken)
    {
        var bin = FindBin() ?? await InstallAsync(cancellationToken);
        var directory = Path.Combine(Path.GetTempPath(), $"chorus-pg-{Environment.ProcessId}-{ProcessCluster.FreePort()}");
        Directory.CreateDirectory(directory);
        if (Environment.UserName == "root")
        {
            await RunAsync("chown", ["-R", "postgres:postgres", directory], cancellationToken);
        }
        var server = new PostgresServer(bin, directory, ProcessCluster.FreePort());
        var data = Path.Combine(directory, "data");
        await server.RunPostgresAsync("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"], cancellationToken);
        await server.RunPostgresAsync("pg_ctl", ["-D", data, "-l", Path.Combine(directory, "log"), "-w", "-t", "120", "start",
            "-o", $"-p {server.Port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off"], cancellationToken);
        return server;
    }

    private static string? FindBin() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin"))
                .Where(b => File.Exists(Path.Combine(b, "initdb"))).OrderByDescending(b => b, StringComparer.Ordinal).FirstOrDefault()
            : null;

    private static async Task<string> InstallAsync(CancellationToken cancellationToken)
    {
        await DebianPackages.FindOrInstallAsync(Checkout.Root(), "postgres", "pg_ctlcluster", "The relay tests write into a real PostgreSQL", cancellationToken);
        return FindBin() ?? throw new InvalidOperationException("postgresql is installed but no /usr/lib/postgresql/<version>/bin/initdb was found");
    }

    private Task RunPostgresAsync(string program, string[] arguments, CancellationToken cancellationToken) =>
        Environment.UserName == "root"
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, program), .. arguments], cancellationToken)
            : RunAsync(Path.Combine(_bin, program), arguments, cancellationToken);

    internal static async Task RunAsync(string program, string[] arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await output}{await errors}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunPostgresAsync("pg_ctl", ["-D", Path.Combine(_directory, "data"), "-m", "immediate", "stop"], CancellationToken.None);
        }
        finally
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}

/// <summary>A private redis-server (Debian's, via scripts/install-deps.sh redis) on a free port, with an fsynced append-only file so a restart keeps its data.</summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private readonly string _path;
    private readonly string _directory;
    private Process? _process;

    private RedisServer(string path, string directory, int port)
    {
        _path = path;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public static async Task<RedisServer> StartAsync(CancellationToken cancellationToken)
    {
        var path = await DebianPackages.FindOrInstallAsync(Checkout.Root(), "redis", "redis-server", "The relay tests write into a real redis-server", cancellationToken);
        var directory = Path.Combine(Path.GetTempPath(), $"chorus-redis-{Environment.ProcessId}-{ProcessCluster.FreePort()}");
        Directory.CreateDirectory(directory);
        var server = new RedisServer(path, directory, ProcessCluster.FreePort());
        server.Start();
        return server;
    }

    public void Start()
    {
        var start = new ProcessStartInfo(_path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", _directory, "--save", "", "--appendonly", "yes", "--appendfsync", "always" })
        {
            start.ArgumentList.Add(argument);
        }
        _process = Process.Start(start)!;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>kill -9: the target goes away under the relay.</summary>
    public async Task KillAsync()
    {
        _process!.Kill();
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            await KillAsync();
        }
        Directory.Delete(_directory, recursive: true);
    }
}
