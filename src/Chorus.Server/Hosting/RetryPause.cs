namespace Chorus.Server.Hosting;

/// <summary>
/// How long to wait before trying again after consecutive failures: <paramref name="first"/>,
/// then doubling up to <paramref name="longest"/>; a success starts over. Used where a peer asks
/// for the same work again and again (the leader repeats its snapshot request every heartbeat),
/// so a download that keeps failing does not run — and log — ten times a second.
/// </summary>
internal sealed class RetryPause(TimeSpan first, TimeSpan longest)
{
    private TimeSpan _next = TimeSpan.Zero;

    /// <summary>The pause after this failure; the next one is twice as long, up to the longest.</summary>
    public TimeSpan AfterFailure()
    {
        var pause = _next == TimeSpan.Zero ? first : _next;
        _next = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, longest.Ticks));
        return pause;
    }

    public void Succeeded() => _next = TimeSpan.Zero;
}
