namespace Chorus.Core;

/// <summary>
/// The position of a log entry: (epoch, LSN). Two logs that hold an entry with the same
/// position agree on every entry before it (the log matching property).
/// </summary>
public readonly record struct LogPosition(Epoch Epoch, Lsn Lsn) : IComparable<LogPosition>
{
    public static readonly LogPosition Zero = new(Epoch.Zero, Lsn.Zero);

    /// <summary>Orders by epoch first: a log ending in a later epoch is more up to date.</summary>
    public int CompareTo(LogPosition other)
    {
        var byEpoch = Epoch.CompareTo(other.Epoch);
        return byEpoch != 0 ? byEpoch : Lsn.CompareTo(other.Lsn);
    }

    public static bool operator <(LogPosition left, LogPosition right) => left.CompareTo(right) < 0;
    public static bool operator >(LogPosition left, LogPosition right) => left.CompareTo(right) > 0;
    public static bool operator <=(LogPosition left, LogPosition right) => left.CompareTo(right) <= 0;
    public static bool operator >=(LogPosition left, LogPosition right) => left.CompareTo(right) >= 0;

    public override string ToString() => $"{Epoch}:{Lsn}";
}
