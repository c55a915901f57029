using System.Diagnostics;

namespace Chorus.Cli.Tests.Support;

/// <summary>
/// Debian's chromium for the browser tests: found on PATH, or installed with the project's own
/// installer (scripts/install-deps.sh chromium), since `dotnet test` must work on a machine that
/// has only the .NET SDK. Playwright drives this browser; it never downloads one of its own.
/// Fails with a clear message when it cannot: the browser tests never skip.
/// </summary>
internal static class Chromium
{
    private static readonly SemaphoreSlim Once = new(1, 1);

    public static async Task<string> FindOrInstallAsync(CancellationToken cancellationToken)
    {
        await Once.WaitAsync(cancellationToken);
        try
        {
            if (FindOnPath("chromium") is { } found)
            {
                return found;
            }
            var (exitCode, output) = await RunInstallerAsync(cancellationToken);
            return FindOnPath("chromium") ?? throw new InvalidOperationException(
                "The dashboard's browser tests drive Debian's chromium, which is not installed, and " +
                $"scripts/install-deps.sh chromium could not install it (exit code {exitCode}). Install it " +
                $"(apt-get install chromium), or run the installer as root.\n{output}");
        }
        finally
        {
            Once.Release();
        }
    }

    private static async Task<(int ExitCode, string Output)> RunInstallerAsync(CancellationToken cancellationToken)
    {
        var installer = Path.Combine(RepositoryRoot(), "scripts", "install-deps.sh");
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(installer);
        start.ArgumentList.Add("chromium");
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not run {installer}");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await output + await errors);
    }

    /// <summary>The checkout the tests were built from: the first folder above the test binaries with scripts/install-deps.sh.</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "scripts", "install-deps.sh")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"no scripts/install-deps.sh above {AppContext.BaseDirectory}");
    }

    private static string? FindOnPath(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, command))
            .FirstOrDefault(File.Exists);
}
