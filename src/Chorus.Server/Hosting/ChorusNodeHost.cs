using Chorus.Server.Configuration;
using Microsoft.Extensions.Logging;

namespace Chorus.Server.Hosting;

/// <summary>
/// Runs a node until it is asked to stop, restarting it in place when it has downloaded a
/// snapshot to reload from (the swap happens while the node is down; see <see cref="SnapshotSwap"/>).
/// </summary>
public static class ChorusNodeHost
{
    /// <summary>Runs until <paramref name="stop"/>; returns 0 after a clean stop, 1 if the node failed.</summary>
    public static async Task<int> RunAsync(ChorusOptions options, CancellationToken stop, Action<ILoggingBuilder>? logging = null, Action<ChorusNode>? started = null)
    {
        var snapshots = new SnapshotProgress();
        while (true)
        {
            await using var node = await ChorusNode.StartAsync(options, logging, stop, snapshots);
            started?.Invoke(node);
            var stopped = Task.Delay(Timeout.Infinite, stop);
            var finished = await Task.WhenAny(node.Completion, node.RestartRequested, stopped);
            if (finished == node.RestartRequested)
            {
                var stopping = System.Diagnostics.Stopwatch.StartNew();
                await node.StopAsync();
                node.Logger.LogInformation("snapshot phase: node stopped for the install in {Ms} ms", stopping.ElapsedMilliseconds);
                continue;
            }
            await node.StopAsync();
            return finished == stopped || node.Completion.IsCompletedSuccessfully ? 0 : 1;
        }
    }
}
