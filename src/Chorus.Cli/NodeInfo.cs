using Chorus.Client;

namespace Chorus.Cli;

/// <summary>Fetches a node's INFO over RESP.</summary>
internal static class NodeInfo
{
    public static async Task<Dictionary<string, string>?> TryFetchAsync(string host, int port, CancellationToken cancellationToken, string section = "replication")
    {
        try
        {
            await using var client = await RespConnection.ConnectAsync(host, port, TimeSpan.FromSeconds(1), cancellationToken);
            var reply = await client.CommandAsync(cancellationToken, "INFO", section);
            return reply.IsError ? null : InfoText.Parse(reply.AsString() ?? "");
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
}
