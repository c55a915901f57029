using Chorus.Testing;

namespace Chorus.Compat.Servers;

/// <summary>
/// Finds redis-server; when it is missing, installs it with the project's own installer
/// (scripts/install-deps.sh redis). The differential tests never skip.
/// </summary>
internal static class RedisInstallation
{
    public static Task<string> FindOrInstallAsync(CancellationToken cancellationToken) =>
        DebianPackages.FindOrInstallAsync(BuildPaths.RepositoryRoot, "redis", "redis-server",
            "The differential tests compare Chorus with a real redis-server", cancellationToken);
}
