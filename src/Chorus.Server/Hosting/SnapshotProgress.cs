using Chorus.Core;
using Chorus.Replication;

namespace Chorus.Server.Hosting;

/// <summary>
/// What this node knows about snapshots, as INFO and the CLI show it: an incoming transfer's
/// progress (bytes, total, rate, ETA), the snapshots installed, and those served to others.
/// Survives the node's restart after an install. Thread-safe.
/// </summary>
public sealed class SnapshotProgress
{
    private readonly Lock _lock = new();

    public SnapshotState State { get; private set; } = SnapshotState.None;

    public long BytesDone { get; private set; }

    public long BytesTotal { get; private set; }

    public long StartedAtMs { get; private set; } = -1;

    public long FinishedAtMs { get; private set; } = -1;

    public LogPosition Position { get; private set; }

    public string Source { get; private set; } = "";

    public long Installed { get; private set; }

    public long Served { get; private set; }

    public int Serving { get; private set; }

    public string? LastError { get; private set; }

    /// <summary>How the latest resync ran: snapshot (a whole checkpoint) or merkle (only the rows that differ).</summary>
    public FollowerResync Method { get; private set; }

    /// <summary>What the latest Merkle resync moved (null before the first).</summary>
    public MerkleResyncSummary? LastMerkle { get; private set; }

    public void Begin(string source, long nowMs, FollowerResync method = FollowerResync.Snapshot)
    {
        lock (_lock)
        {
            State = SnapshotState.Transferring;
            Method = method;
            Source = source;
            StartedAtMs = nowMs;
            FinishedAtMs = -1;
            BytesDone = 0;
            BytesTotal = 0;
            LastError = null;
        }
    }

    public void Manifest(LogPosition position, long totalBytes)
    {
        lock (_lock)
        {
            Position = position;
            BytesTotal = totalBytes;
        }
    }

    public void Advance(long bytes)
    {
        lock (_lock)
        {
            BytesDone += bytes;
        }
    }

    public void Downloaded(long nowMs)
    {
        lock (_lock)
        {
            State = SnapshotState.Installing;
            FinishedAtMs = nowMs;
        }
    }

    public void MerkleFinished(MerkleResyncSummary summary)
    {
        lock (_lock)
        {
            LastMerkle = summary;
        }
    }

    public void InstalledNow()
    {
        lock (_lock)
        {
            State = SnapshotState.Installed;
            Installed++;
        }
    }

    public void Failed(string error)
    {
        lock (_lock)
        {
            State = SnapshotState.Failed;
            LastError = error;
        }
    }

    public void ServingStarted()
    {
        lock (_lock)
        {
            Serving++;
        }
    }

    public void ServingEnded()
    {
        lock (_lock)
        {
            Serving--;
            Served++;
        }
    }

    /// <summary>Transfer rate in MB/s so far (or over the whole transfer once finished).</summary>
    public double RateMegabytesPerSecond(long nowMs)
    {
        lock (_lock)
        {
            var end = FinishedAtMs >= 0 ? FinishedAtMs : nowMs;
            var seconds = StartedAtMs < 0 ? 0 : (end - StartedAtMs) / 1000.0;
            return seconds <= 0 ? 0 : BytesDone / 1e6 / seconds;
        }
    }

    /// <summary>Seconds left at the current rate, or -1 when unknown.</summary>
    public double EtaSeconds(long nowMs)
    {
        var rate = RateMegabytesPerSecond(nowMs);
        lock (_lock)
        {
            return State != SnapshotState.Transferring || rate <= 0 || BytesTotal == 0 ? -1 : (BytesTotal - BytesDone) / 1e6 / rate;
        }
    }
}

/// <summary>
/// One Merkle resync: frame bytes each way, the comparison's differing leaf ranges, the rows copied
/// from the leader's checkpoint (and their key and value bytes), the rows of this node's removed.
/// </summary>
public sealed record MerkleResyncSummary(long BytesReceived, long BytesSent, int DifferingRanges, long RowsCopied, long RowBytesCopied, long RowsRemoved, long LeaderRows, long DurationMs);

public enum SnapshotState
{
    None,
    Transferring,
    Installing,
    Installed,
    Failed,
}
