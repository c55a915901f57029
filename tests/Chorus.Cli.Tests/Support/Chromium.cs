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
        DebianPackages.FindOrInstallAsync(Checkout.Root(), "chromium", "chromium",
            "The dashboard's browser tests drive Debian's chromium", cancellationToken);
}
