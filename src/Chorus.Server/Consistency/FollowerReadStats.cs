using Chorus.Replication;

namespace Chorus.Server.Consistency;

/// <summary>
/// Per node: how stale the reads a follower served were (in milliseconds and in entries behind
/// the leader, as the follower knew it when it served them), and how many guarded reads it
/// refused, redirected or had the leader serve. The histograms are cumulative, Prometheus-style:
/// bucket i counts the reads at most <see cref="MsBounds"/>[i] (the last bucket: all).
/// Updated with interlocked operations from every connection.
/// </summary>
internal sealed class FollowerReadStats
{
    public static readonly long[] MsBounds = [1, 10, 100, 1_000, 10_000];

    public static readonly long[] EntryBounds = [0, 1, 10, 100, 1_000];

    private readonly long[] _ms = new long[MsBounds.Length + 1];
    private readonly long[] _entries = new long[EntryBounds.Length + 1];
    private long _msSum;
    private long _entriesSum;
    private long _refused;
    private long _redirected;

    public long Refused => Interlocked.Read(ref _refused);

    public long Redirected => Interlocked.Read(ref _redirected);

    public long ReadsServed => Interlocked.Read(ref _ms[^1]);

    public long MsSum => Interlocked.Read(ref _msSum);

    public long EntriesSum => Interlocked.Read(ref _entriesSum);

    /// <summary>Cumulative counts per bucket (the last: every read).</summary>
    public long[] MsBuckets => [.. _ms.Select((_, i) => Interlocked.Read(ref _ms[i]))];

    public long[] EntryBuckets => [.. _entries.Select((_, i) => Interlocked.Read(ref _entries[i]))];

    /// <summary>Told each served follower read's staleness in ms and entries (the /metrics histograms).</summary>
    public Action<long, long>? Observe { get; set; }

    public void CountRefused() => Interlocked.Increment(ref _refused);

    public void CountRedirected() => Interlocked.Increment(ref _redirected);

    /// <summary>A read served from this node's state, described by <paramref name="status"/>; counted only on a follower.</summary>
    public void Served(NodeStatus status, long nowMs)
    {
        if (status.Role == NodeRole.Leader || status.Link is not { } link)
        {
            return;
        }
        var staleMs = status.CurrentAsOfMs is { } asOf ? Math.Max(0, nowMs - asOf) : link.LagMs;
        var entries = (long)Math.Min(link.LagEntries, long.MaxValue);
        Add(_ms, MsBounds, staleMs);
        Add(_entries, EntryBounds, entries);
        Interlocked.Add(ref _msSum, staleMs);
        Interlocked.Add(ref _entriesSum, entries);
        Observe?.Invoke(staleMs, entries);
    }

    /// <summary>Cumulative buckets as INFO shows them: <c>le1=3,le10=5,…,all=9</c>.</summary>
    public static string Text(long[] bounds, long[] buckets) =>
        string.Join(',', bounds.Select((bound, i) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"le{bound}={buckets[i]}")).Append(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"all={buckets[^1]}")));

    private static void Add(long[] buckets, long[] bounds, long value)
    {
        for (var i = 0; i < bounds.Length; i++)
        {
            if (value <= bounds[i])
            {
                Interlocked.Increment(ref buckets[i]);
            }
        }
        Interlocked.Increment(ref buckets[^1]);
    }
}
