namespace Chorus.Server.Commands;

/// <summary>The versions Chorus reports. Clients read redis_version to decide which commands they may use.</summary>
internal static class ServerVersion
{
    /// <summary>The Redis version whose commands and replies Chorus follows.</summary>
    public const string RedisCompatible = "7.2.0";

    public static string Chorus { get; } =
        typeof(ServerVersion).Assembly.GetName().Version?.ToString(3) ?? "0.1.0";
}
