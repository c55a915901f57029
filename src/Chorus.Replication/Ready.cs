using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Replication.Election;
using Chorus.Replication.Messages;

namespace Chorus.Replication;

/// <summary>
/// Everything a core asks its host to do, in order:
/// <list type="number">
/// <item>persist <see cref="HardState"/> (synced) before anything else;</item>
/// <item>carry out <see cref="LogOperations"/> in order (append entries and apply them in one
/// atomic batch; truncate the log), then report back with OnAppended / OnTruncated;</item>
/// <item>read <see cref="LogReads"/> from storage and hand them back with OnLogRead;</item>
/// <item>only then send <see cref="Messages"/>: nothing leaves before what it announces is stored;</item>
/// <item>acknowledge client writes up to <see cref="AckedLsn"/>, and fail those up to
/// <see cref="TimedOutThrough"/> that were not confirmed in time.</item>
/// </list>
/// </summary>
public sealed class Ready
{
    /// <summary>Epoch and vote to persist (synced) before anything else, when they changed.</summary>
    public HardState? HardState { get; internal set; }

    /// <summary>This node stopped leading: writes waiting for acknowledgement will never get one from it.</summary>
    public bool SteppedDown { get; internal set; }

    public List<LogOperation> LogOperations { get; } = [];

    public List<LogReadRequest> LogReads { get; } = [];

    public List<PeerMessage> Messages { get; } = [];

    /// <summary>Client writes with LSN ≤ this may be acknowledged.</summary>
    public Lsn AckedLsn { get; internal set; }

    /// <summary>Writes up to this LSN (and above <see cref="AckedLsn"/>) were not confirmed in time: fail them.</summary>
    public Lsn TimedOutThrough { get; internal set; }

    /// <summary>Protocol events worth a log line (elections, subscriptions, step-downs), in order.</summary>
    public List<string> Notices { get; } = [];

    /// <summary>The leader says this follower must reload from a snapshot: fetch one from it.</summary>
    public bool SnapshotRequested { get; internal set; }

    public bool IsEmpty => HardState is null && !SteppedDown && Notices.Count == 0 && LogOperations.Count == 0 && LogReads.Count == 0 && Messages.Count == 0 && TimedOutThrough == Lsn.Zero && !SnapshotRequested;
}

/// <summary>A change to the local log, carried out in order.</summary>
public abstract record LogOperation;

/// <summary>
/// Persist and apply these entries (contiguous, after the current end of the log). With
/// <see cref="Sync"/>, fsync before reporting back: a leader is waiting for flushed confirmations.
/// </summary>
public sealed record AppendOperation(List<LogEntry> Entries) : LogOperation
{
    public bool Sync { get; internal set; }
}

/// <summary>Roll back and delete every entry after <paramref name="KeepThrough"/>.</summary>
public sealed record TruncateOperation(Lsn KeepThrough) : LogOperation;

/// <summary>Delete every entry up to <paramref name="Through"/>: the log now starts after it.</summary>
public sealed record RetireOperation(Lsn Through) : LogOperation;

/// <summary>Read entries from <paramref name="From"/> (at most <paramref name="BytesMax"/>) for a follower.</summary>
public sealed record LogReadRequest(NodeId Follower, Lsn From, long BytesMax);
