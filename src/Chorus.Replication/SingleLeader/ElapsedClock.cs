namespace Chorus.Replication.SingleLeader;

/// <summary>
/// Elapsed time on this node, built from the wall-clock times the host ticks the core with: it
/// advances by every forward step and ignores a backward one, so an NTP step back never makes a
/// stamp look younger (a step forward only makes state look older: conservative). Bounded
/// staleness measures a follower's age with it (<see cref="Freshness"/>). It starts at the wall
/// time the core starts at, so stamps of an earlier run of this node are (barring clock steps
/// back across the restart) below anything this run stamps; <see cref="StartedAtMs"/> lets the
/// follower refuse echoes of older ones.
/// </summary>
internal sealed class ElapsedClock
{
    private long _lastWallMs;

    /// <summary>Milliseconds on this clock now.</summary>
    public long NowMs { get; private set; } = -1;

    /// <summary>This clock's reading when the core started: no stamp of this run is older.</summary>
    public long StartedAtMs { get; private set; } = -1;

    /// <summary>The last wall-clock time ticked in (even one behind an earlier tick).</summary>
    public long WallMs => _lastWallMs;

    public void Start(long wallMs)
    {
        _lastWallMs = wallMs;
        NowMs = Math.Max(0, wallMs);
        StartedAtMs = NowMs;
    }

    public void Tick(long wallMs)
    {
        if (StartedAtMs < 0)
        {
            Start(wallMs);
            return;
        }
        if (wallMs > _lastWallMs)
        {
            NowMs += wallMs - _lastWallMs;
        }
        _lastWallMs = wallMs;
    }

    /// <summary>
    /// A wall-clock time that is as far behind the last tick as <paramref name="elapsedMs"/> is
    /// behind now on this clock: how the read gate, which compares with the wall clock, sees an age.
    /// </summary>
    public long WallTimeOf(long elapsedMs) => _lastWallMs - (NowMs - elapsedMs);
}
