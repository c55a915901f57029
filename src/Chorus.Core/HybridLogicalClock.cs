namespace Chorus.Core;

/// <summary>
/// Hybrid logical clock (Kulkarni et al.): timestamps close to physical time that never go
/// backwards on a node and always exceed any timestamp the node has observed. The physical
/// time is an input, so the clock is deterministic.
/// </summary>
public sealed class HybridLogicalClock
{
    private HlcTimestamp _last = HlcTimestamp.Zero;

    public HlcTimestamp Last => _last;

    /// <summary>A timestamp for a local event at physical time <paramref name="nowMs"/>.</summary>
    public HlcTimestamp Now(long nowMs)
    {
        _last = nowMs > _last.PhysicalMs
            ? HlcTimestamp.From(nowMs, 0)
            : Bump(_last);
        return _last;
    }

    /// <summary>Takes a remote timestamp into account so later local timestamps exceed it.</summary>
    public void Observe(HlcTimestamp remote)
    {
        if (remote > _last)
        {
            _last = remote;
        }
    }

    private static HlcTimestamp Bump(HlcTimestamp t) =>
        t.Logical == ushort.MaxValue
            ? HlcTimestamp.From(t.PhysicalMs + 1, 0)
            : HlcTimestamp.From(t.PhysicalMs, (ushort)(t.Logical + 1));
}
