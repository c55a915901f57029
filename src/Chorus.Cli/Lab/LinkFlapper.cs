namespace Chorus.Cli.Lab;

/// <summary>
/// Makes a follower lag without stopping it: CHORUS.FAULT LINK PAUSE holds every message from
/// its peers (it keeps serving clients from what it has), RESUME hands them over, in cycles. The
/// follower's lag rises while its link is held and falls when it is released.
/// </summary>
internal static class LinkFlapper
{
    public static async Task RunAsync(LabCluster cluster, string node, LabRecorder recorder, int heldMs, int releasedMs, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await SetAsync(cluster, node, "PAUSE");
                var heldUs = recorder.NowUs;
                try
                {
                    await Task.Delay(heldMs, stop);
                }
                finally
                {
                    await SetAsync(cluster, node, "RESUME");
                    recorder.Fault($"{node}'s peer link held", heldUs);
                }
                await Task.Delay(releasedMs, stop);
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over, and the link released.
        }
    }

    public static async Task SetAsync(LabCluster cluster, string node, string state)
    {
        var reply = await cluster.CommandAsync(node, CancellationToken.None, "CHORUS.FAULT", "LINK", state);
        if (reply.IsError)
        {
            throw new InvalidOperationException($"CHORUS.FAULT LINK {state} at {node}: {reply.AsString()}");
        }
    }
}
