using System.Diagnostics;

namespace Chorus.Compat.Servers;

/// <summary>
/// Finds redis-server; when it is missing, installs it with the project's own installer
/// (scripts/install-deps.sh redis), as `dotnet test` must work on a machine that has only the
/// .NET SDK. Fails with a clear message when it cannot: the differential tests never skip.
/// </summary>
internal static class RedisInstallation
{
    private static readonly SemaphoreSlim Once = new(1, 1);

    public static async Task<string> FindOrInstallAsync(CancellationToken cancellationToken)
    {
        await Once.WaitAsync(cancellationToken);
        try
        {
            if (FindOnPath("redis-server") is { } found)
            {
                return found;
            }
            var (exitCode, output) = await RunInstallerAsync(cancellationToken);
            return FindOnPath("redis-server") ?? throw new InvalidOperationException(
                "The differential tests compare Chorus with a real redis-server, which is not installed, and " +
                $"scripts/install-deps.sh redis could not install it (exit code {exitCode}). Install Debian's " +
                $"redis-server (apt-get install redis-server redis-tools), or run the installer as root.\n{output}");
        }
        finally
        {
            Once.Release();
        }
    }

    private static async Task<(int ExitCode, string Output)> RunInstallerAsync(CancellationToken cancellationToken)
    {
        var installer = Path.Combine(BuildPaths.RepositoryRoot, "scripts", "install-deps.sh");
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(installer);
        start.ArgumentList.Add("redis");
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not run {installer}");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await output + await errors);
    }

    private static string? FindOnPath(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, command))
            .FirstOrDefault(File.Exists);
}
