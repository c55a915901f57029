using System.Globalization;

namespace Chorus.Simulation.Nodes;

/// <summary>
/// A node's own clock: virtual time plus a skew (an offset, as after a bad NTP step) and a drift
/// (a rate error in parts per million). Everything that reads a node's clock — the replication
/// core, expiry, HLC timestamps, read-time expiry checks — reads this one.
/// </summary>
internal sealed class NodeClock
{
    /// <summary>Virtual time zero, as Unix milliseconds (expiry times are absolute).</summary>
    public const long BaseUnixMs = 1_700_000_000_000;

    private long _offsetUs;
    private double _driftPpm;
    private long _driftSinceUs;
    private long _driftAccumulatedUs;

    public long LocalUs(long virtualUs) => virtualUs + _offsetUs + _driftAccumulatedUs + DriftSince(virtualUs);

    public long LocalMs(long virtualUs) => BaseUnixMs + Math.DivRem(LocalUs(virtualUs), 1000, out _);

    /// <summary>Steps the clock to <paramref name="offsetUs"/> away from true time (may go backwards).</summary>
    public void Skew(long offsetUs) => _offsetUs = offsetUs;

    /// <summary>From now on the clock gains (or loses) <paramref name="ppm"/> microseconds per second.</summary>
    public void Drift(double ppm, long nowUs)
    {
        _driftAccumulatedUs += DriftSince(nowUs);
        _driftSinceUs = nowUs;
        _driftPpm = ppm;
    }

    public string Describe(long nowUs) =>
        string.Create(CultureInfo.InvariantCulture, $"offset {(LocalUs(nowUs) - nowUs) / 1000.0:F3}ms drift {_driftPpm:F0}ppm");

    private long DriftSince(long virtualUs) => (long)((virtualUs - _driftSinceUs) * _driftPpm / 1_000_000);
}
