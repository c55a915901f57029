using Chorus.Commands.Logical;
using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Core.Sites;
using Chorus.Storage;

namespace Chorus.Node.ChangeCapture;

/// <summary>
/// Change data capture over this node's log (docs/cdc.md): committed entries, read from a
/// position, as JSON change events. Only entries at or below the <see cref="Watermark"/> are
/// served — the lower of what the node knows committed (on a majority of voters; a follower knows
/// what its leader told it) and what it has applied — so a consumer never sees a change that a
/// failover takes back.
/// <para>
/// Thread-safe: connection threads read the log through their own storage iterators while the
/// loop appends; the loop moves the watermark after every Ready (<see cref="Advance"/>). Waiting
/// for new entries is waiting for the watermark, with the caller's timeout: nothing here reads a clock.
/// </para>
/// </summary>
public sealed class ChangeFeed
{
    /// <summary>Entries per read at most, whatever the consumer asks for.</summary>
    public const int EntriesMax = 10_000;

    /// <summary>Log bytes per read at most (at least one entry is always read).</summary>
    public const long BytesMax = 4 << 20;

    private readonly IStorageEngine _storage;
    private readonly LogStore _log;

    internal ChangeFeed(IStorageEngine storage, bool supported)
    {
        _storage = storage;
        _log = new LogStore(storage);
        Supported = supported;
    }

    /// <summary>False when the node's family keeps no log to serve (<see cref="Replication.IReplicationCore.ChangeCaptureThrough"/>).</summary>
    public bool Supported { get; }

    /// <summary>The newest LSN served to consumers; waitable from any thread.</summary>
    public AppliedLsnWaiters Watermark { get; } = new();

    /// <summary>Called on the loop after each Ready: the watermark may move either way (a power-loss rollback lowers it).</summary>
    internal void Advance(Lsn committed, Lsn applied)
    {
        var watermark = Lsn.Min(committed, applied);
        if (watermark != Watermark.Applied)
        {
            Watermark.Advance(watermark);
        }
    }

    /// <summary>Where "now" is: just after the newest committed entry.</summary>
    public ChangeCursor Now()
    {
        var watermark = Watermark.Applied;
        return new ChangeCursor(watermark.Next, EpochAt(watermark));
    }

    /// <summary>Completes when an entry at or after <paramref name="next"/> is committed (true) or the timeout passes (false).</summary>
    public Task<bool> WaitAsync(Lsn next, TimeSpan timeout, CancellationToken cancellationToken) =>
        Watermark.WaitAsync(next, timeout, cancellationToken);

    /// <summary>
    /// Up to <paramref name="entriesMax"/> committed entries from <paramref name="position"/> on, as
    /// events; never splits an entry. Empty (status Ok) when nothing new is committed yet.
    /// </summary>
    public ChangeBatch Read(ChangeCursor position, int entriesMax)
    {
        if (!Supported)
        {
            return ChangeBatch.Refused(ChangeReadStatus.NotSupported, position);
        }
        var watermark = Watermark.Applied;
        if (position.Next.Value == 0)
        {
            position = position with { Next = new Lsn(1) };
        }
        if (position.Epoch is { } epoch && position.Next.Previous != Lsn.Zero && position.Next.Previous <= watermark
            && Divergence(position.Next.Previous, epoch) is { } rollback)
        {
            return rollback with { Committed = watermark };
        }
        if (position.Next > watermark)
        {
            return new ChangeBatch(ChangeReadStatus.Ok, [], position, watermark, Lsn.Zero);
        }
        var entries = _log.Read(position.Next, BytesMax, watermark);
        if (entries.Count == 0)
        {
            var oldest = _log.FirstLsn();
            return oldest > position.Next
                ? ChangeBatch.Refused(ChangeReadStatus.BehindRetention, position) with { OldestRetained = oldest, Committed = watermark }
                : new ChangeBatch(ChangeReadStatus.Ok, [], position, watermark, Lsn.Zero);
        }
        var events = new List<byte[]>();
        var count = Math.Clamp(entriesMax, 1, EntriesMax);
        foreach (var entry in entries.Take(count))
        {
            if (entry.Kind == PayloadKind.Physical)
            {
                // Storage bytes name no rows: the consumer is told a change happened here, never left with a silent gap.
                events.Add(ChangeJson.Physical(entry));
                continue;
            }
            if (entry.Kind == PayloadKind.KeyImages)
            {
                events.AddRange(VersionedChangeJson.Events(entry));
                continue;
            }
            if (entry.Kind == PayloadKind.MultiLeader)
            {
                // The site's resolved changes, each tagged with the change (origin site and number) it came from.
                var site = SiteEntry.Decode(entry.Payload);
                events.AddRange(ChangeJson.Events(entry, LogicalPayload.Decode(site.Local.Span), site.Header));
                continue;
            }
            events.AddRange(ChangeJson.Events(entry, ChangesOf(entry)));
        }
        var last = entries[Math.Min(count, entries.Count) - 1];
        return new ChangeBatch(ChangeReadStatus.Ok, events, new ChangeCursor(last.Lsn.Next, last.Epoch), watermark, Lsn.Zero);
    }

    /// <summary>
    /// The row changes an entry made: a logical entry carries them; a statement's are its undo
    /// images on this node (the same changes, since every replica executes it alike); markers,
    /// settings and no-ops change no data.
    /// </summary>
    private IReadOnlyList<RowChange> ChangesOf(LogEntry entry) => entry.Kind switch
    {
        PayloadKind.Logical => LogicalPayload.Decode(entry.Payload.Span),
        PayloadKind.Statement when UndoImages.Read(_storage, entry.Lsn) is { } undo => LogicalPayload.Decode(undo),
        _ => [],
    };

    /// <summary>
    /// The consumer last read LSN <paramref name="lsn"/> in <paramref name="epoch"/>; if this node's
    /// committed entry there is of another epoch, the consumer holds changes that were rolled back
    /// (only a power loss with fsync everysec or no takes committed entries back). The rollback
    /// point: the newest entry before it whose epoch is older than both — every entry of an epoch
    /// comes from that epoch's one leader, so older epochs' entries are shared.
    /// </summary>
    private ChangeBatch? Divergence(Lsn lsn, Epoch epoch)
    {
        var local = _log.Read(lsn, 1, lsn);
        if (local.Count == 0 || local[0].Epoch == epoch)
        {
            return null; // retired (nothing to compare with) or the same entry
        }
        var bound = local[0].Epoch > epoch ? epoch : new Epoch(local[0].Epoch.Value - 1);
        var common = LogPosition.Zero;
        foreach (var entry in _log.ReadBackwards(lsn.Previous))
        {
            if (entry.Epoch <= bound)
            {
                common = entry.Position;
                break;
            }
        }
        var events = new List<byte[]> { ChangeJson.Rollback(common.Lsn.Value, common.Epoch.Value, local[0].Epoch.Value, lsn.Value, epoch.Value) };
        return new ChangeBatch(ChangeReadStatus.RolledBack, events, new ChangeCursor(common.Lsn.Next, common.Epoch), Lsn.Zero, Lsn.Zero);
    }

    private Epoch EpochAt(Lsn lsn)
    {
        if (lsn == Lsn.Zero)
        {
            return Epoch.Zero;
        }
        var entries = _log.Read(lsn, 1, lsn);
        return entries.Count == 1 ? entries[0].Epoch : Epoch.Zero;
    }
}

/// <summary>A consumer's position: the next LSN to read, and the epoch of the entry before it (null: unknown, not checked).</summary>
public readonly record struct ChangeCursor(Lsn Next, Epoch? Epoch);

public enum ChangeReadStatus
{
    Ok,

    /// <summary>The consumer's position is older than the log's front (<see cref="ChangeBatch.OldestRetained"/>).</summary>
    BehindRetention,

    /// <summary>The consumer holds changes this node's committed history does not: the batch's one event says from where.</summary>
    RolledBack,

    /// <summary>This node's family keeps no single committed log.</summary>
    NotSupported,
}

/// <summary>
/// One read: the events (JSON objects, see <see cref="ChangeJson"/>), where to resume, the
/// watermark at the time, and for <see cref="ChangeReadStatus.BehindRetention"/> the oldest LSN still in the log.
/// </summary>
public sealed record ChangeBatch(ChangeReadStatus Status, List<byte[]> Events, ChangeCursor Next, Lsn Committed, Lsn OldestRetained)
{
    internal static ChangeBatch Refused(ChangeReadStatus status, ChangeCursor at) => new(status, [], at, Lsn.Zero, Lsn.Zero);
}
