using Chorus.Testing;

namespace Chorus.Cli.Tests.Support;

/// <summary>
/// Debian's chromium for the browser tests, found on PATH or installed with the project's own
/// installer (scripts/install-deps.sh chromium). Playwright drives this browser; it never
/// downloads one of its own. The browser tests never skip.
/// </summary>
internal static class Chromium
{
    public static Task<string> FindOrInstallAsync(CancellationToken cancellationToken) =>
        DebianPackages.FindOrInstallAsync(RepositoryRoot(), "chromium", "chromium",
            "The dashboard's browser tests drive Debian's chromium", cancellationToken);

    /// <summary>The checkout the tests were built from: the first folder above the test binaries with scripts/install-deps.sh.</summary>
    private static string RepositoryRoot()
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
}
