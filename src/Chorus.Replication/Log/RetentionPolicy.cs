using Chorus.Core;

namespace Chorus.Replication.Log;

/// <summary>How much log a node keeps (the replication backlog), with units in the names.</summary>
public sealed record RetentionOptions
{
    /// <summary>Retire old entries once the log is larger than this…</summary>
    public long RetainBytes { get; init; } = 256L << 20;

    /// <summary>
    /// …or larger than the data it describes, once it is past this floor. A follower so far
    /// behind that it needs more log than the whole data set is better served by a snapshot,
    /// which moves at most the data; keeping that log only costs disk (a fresh node loaded with
    /// 54 MB of strings and overwritten once held 185 MB of log: every entry also carries the
    /// values it replaces). Equal to <see cref="RetainBytes"/>: size against data not considered.
    /// </summary>
    public long RetainFloorBytes { get; init; } = 16L << 20;

    /// <summary>…or once its oldest entry is older than this.</summary>
    public long RetainAgeMs { get; init; } = 60 * 60 * 1000;

    /// <summary>Beyond this size, retire even entries a connected follower still needs (it will get a snapshot).</summary>
    public long HardCapBytes { get; init; } = 4L << 30;

    /// <summary>The newest entries are always kept (rollbacks and short outages need them).</summary>
    public long KeepTailEntries { get; init; } = 1000;
}

/// <summary>The log's shape as the host measured it; <paramref name="DataBytes"/> is the size of the data (keys and values), -1 if unknown.</summary>
public readonly record struct LogStats(Lsn First, Lsn Last, long Bytes, long FirstEntryTimeMs, long DataBytes = -1);

/// <summary>
/// Decides how far to retire the log's prefix: when it is too large or too old, about a tenth at
/// a time, never the tail, and never what a connected follower still needs unless the hard cap
/// is reached (then that follower falls back to a snapshot). Pure, so it is tested directly.
/// </summary>
public static class RetentionPolicy
{
    /// <summary>The LSN to retire through, or null to keep everything.</summary>
    /// <param name="neededFrom">The oldest LSN a connected follower still needs (Last + 1 if none).</param>
    public static Lsn? RetireThrough(RetentionOptions options, LogStats log, Lsn neededFrom, long nowMs)
    {
        if (log.First == Lsn.Zero || log.Last <= log.First)
        {
            return null;
        }
        var limit = log.DataBytes < 0 ? options.RetainBytes : Math.Min(options.RetainBytes, Math.Max(options.RetainFloorBytes, log.DataBytes));
        var tooBig = log.Bytes > limit;
        var tooOld = nowMs - log.FirstEntryTimeMs > options.RetainAgeMs;
        if (!tooBig && !tooOld)
        {
            return null;
        }
        var span = log.Last.Value - log.First.Value + 1;
        var through = log.First.Value + Math.Max(1, span / 10) - 1;
        through = Math.Min(through, log.Last.Value - (ulong)Math.Min(options.KeepTailEntries, (long)log.Last.Value));
        if (log.Bytes <= options.HardCapBytes)
        {
            through = Math.Min(through, neededFrom.Value - 1);
        }
        return through >= log.First.Value ? new Lsn(through) : null;
    }
}
