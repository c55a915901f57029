namespace Chorus.Cli.Tests.Support;

/// <summary>The checkout the tests were built from (its scripts install Debian packages).</summary>
internal static class Checkout
{
    /// <summary>The first folder above the test binaries with scripts/install-deps.sh.</summary>
    public static string Root()
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
