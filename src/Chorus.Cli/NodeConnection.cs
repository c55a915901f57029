using Chorus.Client;

namespace Chorus.Cli;

/// <summary>
/// A RESP connection from a CLI command (status, failover, node add/remove) to a node,
/// authenticated when the node requires it. The password comes from the environment, as
/// redis-cli's REDISCLI_AUTH does, so it never appears in the process list or shell history.
/// </summary>
internal static class NodeConnection
{
    public const string PasswordVariable = "CHORUS_PASSWORD";
    public const string UserVariable = "CHORUS_USER";

    public static async Task<RespConnection> OpenAsync(string host, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var connection = await RespConnection.ConnectAsync(host, port, timeout, cancellationToken);
        var password = Environment.GetEnvironmentVariable(PasswordVariable);
        if (string.IsNullOrEmpty(password))
        {
            return connection;
        }
        var user = Environment.GetEnvironmentVariable(UserVariable);
        var reply = string.IsNullOrEmpty(user)
            ? await connection.CommandAsync(cancellationToken, "AUTH", password)
            : await connection.CommandAsync(cancellationToken, "AUTH", user, password);
        if (reply.IsError)
        {
            await connection.DisposeAsync();
            throw new NodeRefusedException($"{host}:{port} refused AUTH ({PasswordVariable}{(string.IsNullOrEmpty(user) ? "" : $", {UserVariable}")}): {reply.AsString()}");
        }
        return connection;
    }

    /// <summary>A node's error reply, with what to do about it when it asks for a password.</summary>
    public static string Explain(string host, int port, string error) =>
        error.StartsWith("NOAUTH", StringComparison.Ordinal)
            ? $"{error} ({host}:{port} requires a password: set {PasswordVariable}, and {UserVariable} for an ACL user)"
            : error;
}

/// <summary>A node answered, but refused what the CLI asked (a wrong password, a missing permission).</summary>
internal sealed class NodeRefusedException(string message) : Exception(message);
