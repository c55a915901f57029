using System.Reflection;

namespace Chorus.Compat.Servers;

/// <summary>Paths recorded at build time (see Chorus.Compat.csproj).</summary>
internal static class BuildPaths
{
    /// <summary>The `chorus` assembly built beside this harness, started as `dotnet chorus.dll serve`.</summary>
    public static string ChorusCli { get; } = Metadata("ChorusCliPath");

    /// <summary>The repository's root directory (where scripts/ is).</summary>
    public static string RepositoryRoot { get; } = Metadata("RepositoryRoot");

    private static string Metadata(string key) => typeof(BuildPaths).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == key).Value!;
}
