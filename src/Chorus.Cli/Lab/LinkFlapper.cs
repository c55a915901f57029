namespace Chorus.Cli.Lab;

/// <summary>
/// Makes a node lag without stopping it: CHORUS.FAULT LINK PAUSE holds every message from its
/// peers (or, given <c>from</c>, from that peer only; it keeps serving clients from what it has),
/// RESUME hands them over, in cycles. Its lag rises while its link is held and falls when it is
/// released.
/// </summary>
internal static class LinkFlapper
{
    public static async Task RunAsync(LabCluster cluster, string node, LabRecorder recorder, int heldMs, int releasedMs, CancellationToken stop, string? from = null)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await (from is null ? SetAsync(cluster, node, "PAUSE") : SetAsync(cluster, node, "PAUSE", "FROM", from));
                var heldUs = recorder.NowUs;
                try
                {
                    await Task.Delay(heldMs, stop);
                }
                finally
                {
                    await SetAsync(cluster, node, "RESUME");
                    recorder.Fault(from is null ? $"{node}'s peer link held" : $"{node}'s link from {from} held", heldUs);
                }
                await Task.Delay(releasedMs, stop);
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over, and the link released.
        }
    }

    public static async Task SetAsync(LabCluster cluster, string node, params string[] state)
    {
        var reply = await cluster.CommandAsync(node, CancellationToken.None, ["CHORUS.FAULT", "LINK", .. state]);
        if (reply.IsError)
        {
            throw new InvalidOperationException($"CHORUS.FAULT LINK {string.Join(' ', state)} at {node}: {reply.AsString()}");
        }
    }
}
