using System.Diagnostics;

namespace Chorus.Testing;

/// <summary>
/// A command that a Debian package provides (redis-server, chromium): found on PATH, or installed
/// with the project's own installer (scripts/install-deps.sh COMPONENT), since `dotnet test` must
/// work on a machine that has only the .NET SDK. Fails with a clear message when it cannot: the
/// tests that need it never skip. Linked into each test project that needs a system package.
/// </summary>
internal static class DebianPackages
{
    private static readonly SemaphoreSlim Once = new(1, 1);

    /// <param name="neededFor">Who needs it, for the error: "The differential tests compare Chorus with a real redis-server".</param>
    public static async Task<string> FindOrInstallAsync(string repositoryRoot, string component, string command, string neededFor, CancellationToken cancellationToken)
    {
        await Once.WaitAsync(cancellationToken);
        try
        {
            if (FindOnPath(command) is { } found)
            {
                return found;
            }
            var (exitCode, output) = await RunInstallerAsync(repositoryRoot, component, cancellationToken);
            return FindOnPath(command) ?? throw new InvalidOperationException(
                $"{neededFor}, which is not installed, and scripts/install-deps.sh {component} could not install it " +
                $"(exit code {exitCode}). Run that installer as root, or install the Debian packages it names.\n{output}");
        }
        finally
        {
            Once.Release();
        }
    }

    /// <summary>
    /// Runs the installer for <paramref name="component"/> whatever is on PATH, for a component
    /// whose presence is not one command (a Python module, npm packages): the installer checks
    /// it and returns at once when it is there.
    /// </summary>
    public static async Task EnsureAsync(string repositoryRoot, string component, string neededFor, CancellationToken cancellationToken)
    {
        await Once.WaitAsync(cancellationToken);
        try
        {
            var (exitCode, output) = await RunInstallerAsync(repositoryRoot, component, cancellationToken);
            if (exitCode != 0)
            {
                throw new InvalidOperationException(
                    $"{neededFor}, and scripts/install-deps.sh {component} could not install it (exit code {exitCode}). " +
                    $"Run that installer as root, or install what it names.\n{output}");
            }
        }
        finally
        {
            Once.Release();
        }
    }

    private static async Task<(int ExitCode, string Output)> RunInstallerAsync(string repositoryRoot, string component, CancellationToken cancellationToken)
    {
        var installer = Path.Combine(repositoryRoot, "scripts", "install-deps.sh");
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(installer);
        start.ArgumentList.Add(component);
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
