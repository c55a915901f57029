namespace Chorus.Cli;

/// <summary>Fetches a node's INFO over RESP; null (with the reason on stderr when the node refused) if it cannot.</summary>
internal static class NodeInfo
{
    /// <param name="sections">INFO sections to fetch (default: replication).</param>
    public static async Task<Dictionary<string, string>?> TryFetchAsync(string host, int port, CancellationToken cancellationToken, params string[] sections)
    {
        try
        {
            await using var client = await NodeConnection.OpenAsync(host, port, TimeSpan.FromSeconds(1), cancellationToken);
            string[] command = ["INFO", .. sections.Length == 0 ? new[] { "replication" } : sections];
            var reply = await client.CommandAsync(cancellationToken, command);
            if (reply.IsError)
            {
                await Console.Error.WriteLineAsync($"chorus: {host}:{port} refused INFO: {NodeConnection.Explain(host, port, reply.AsString() ?? "")}");
                return null;
            }
            return InfoText.Parse(reply.AsString() ?? "");
        }
        catch (NodeRefusedException e)
        {
            await Console.Error.WriteLineAsync("chorus: " + e.Message);
            return null;
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
}
