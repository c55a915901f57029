using Chorus.Resp;

namespace Chorus.Cli.Tests.Support;

/// <summary>
/// What a failed wait for replication shows, so that a stall explains itself: the lagging node's
/// INFO replication and CHORUS.LAG, the leader's view of its followers (CHORUS.LAG there names
/// each follower's state: probing, replicating, snapshotting), and the end of the lagging
/// node's and the leader's output.
/// </summary>
internal static class ReplicationStallReport
{
    /// <summary>Output lines shown per node: enough for a restart's recovery and the last minute of its link.</summary>
    public const int OutputLinesMax = 150;

    public static async Task<string> DescribeAsync(ProcessCluster cluster, string lagging, string leader)
    {
        var text = new System.Text.StringBuilder();
        text.Append("--- ").Append(lagging).Append(" INFO replication ---\n").Append(await TryCommandAsync(cluster, lagging, "INFO", "replication")).Append('\n');
        text.Append("--- ").Append(lagging).Append(" CHORUS.LAG ---\n").Append(await TryCommandAsync(cluster, lagging, "CHORUS.LAG")).Append('\n');
        text.Append("--- ").Append(leader).Append(" (leader) CHORUS.LAG ---\n").Append(await TryCommandAsync(cluster, leader, "CHORUS.LAG")).Append('\n');
        text.Append("--- ").Append(lagging).Append(" output (last ").Append(OutputLinesMax).Append(" lines) ---\n").Append(Tail(cluster.Output(lagging))).Append('\n');
        text.Append("--- ").Append(leader).Append(" (leader) output (last ").Append(OutputLinesMax).Append(" lines) ---\n").Append(Tail(cluster.Output(leader)));
        return text.ToString();
    }

    private static async Task<string> TryCommandAsync(ProcessCluster cluster, string id, params string[] command)
    {
        try
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var reply = await cluster.CommandAsync(id, command).WaitAsync(deadline.Token);
            return reply.Kind == RespValueKind.BulkString || reply.Kind == RespValueKind.Verbatim ? reply.AsString()! : reply.ToString();
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException or TimeoutException)
        {
            return $"(not reachable: {e.GetType().Name}: {e.Message})";
        }
    }

    private static string Tail(string output) => string.Join('\n', output.Split('\n').TakeLast(OutputLinesMax));
}
