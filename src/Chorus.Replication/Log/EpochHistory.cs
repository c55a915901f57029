using Chorus.Core;

namespace Chorus.Replication.Log;

/// <summary>
/// Where each epoch starts in a log: (epoch, first LSN) pairs in increasing order, plus the
/// position the log starts after (non-zero once a snapshot or retention cut the front off).
/// Kafka keeps the same thing as its leader-epoch cache. It answers "which epoch wrote LSN n"
/// without reading the log, and lets two nodes find the last entry they agree on.
/// </summary>
public sealed class EpochHistory
{
    /// <summary>At most this many epochs are kept; older ones are folded into the base.</summary>
    public const int EpochCountMax = 256;

    private readonly List<(Epoch Epoch, Lsn Start)> _epochs = [];

    public EpochHistory(LogPosition basePosition, LogPosition last)
    {
        Base = basePosition;
        Last = last;
    }

    /// <summary>The position just before the first entry this log holds (Zero for a full log).</summary>
    public LogPosition Base { get; private set; }

    /// <summary>The position of the last entry (or <see cref="Base"/> when the log is empty).</summary>
    public LogPosition Last { get; private set; }

    public IReadOnlyList<(Epoch Epoch, Lsn Start)> Epochs => _epochs;

    public static EpochHistory Empty() => new(LogPosition.Zero, LogPosition.Zero);

    public static EpochHistory Restore(LogPosition basePosition, LogPosition last, IEnumerable<(Epoch Epoch, Lsn Start)> epochs)
    {
        var history = new EpochHistory(basePosition, last);
        foreach (var (epoch, start) in epochs)
        {
            history._epochs.Add((epoch, start));
        }
        return history;
    }

    /// <summary>Records that an entry at <paramref name="position"/> was appended.</summary>
    public void Append(LogPosition position)
    {
        Invariant.That(position.Lsn == Last.Lsn.Next, "the log is contiguous");
        Invariant.That(position.Epoch >= Last.Epoch, "epochs never go backwards in a log");
        if (_epochs.Count == 0 || _epochs[^1].Epoch != position.Epoch)
        {
            _epochs.Add((position.Epoch, position.Lsn));
            if (_epochs.Count > EpochCountMax)
            {
                _epochs.RemoveAt(0);
            }
        }
        Last = position;
    }

    /// <summary>The epoch of the entry at <paramref name="lsn"/>; null if the log does not hold it.</summary>
    public Epoch? EpochAt(Lsn lsn)
    {
        if (lsn == Base.Lsn)
        {
            return Base.Epoch;
        }
        if (lsn < Base.Lsn || lsn > Last.Lsn)
        {
            return null;
        }
        for (var i = _epochs.Count - 1; i >= 0; i--)
        {
            if (_epochs[i].Start <= lsn)
            {
                return _epochs[i].Epoch;
            }
        }
        return null;
    }

    /// <summary>Forgets every entry after <paramref name="keepThrough"/>.</summary>
    public void TruncateAfter(Lsn keepThrough)
    {
        Invariant.That(keepThrough >= Base.Lsn, "truncation never goes below the log's base");
        while (_epochs.Count > 0 && _epochs[^1].Start > keepThrough)
        {
            _epochs.RemoveAt(_epochs.Count - 1);
        }
        var epoch = EpochAt(keepThrough) ?? Base.Epoch;
        Last = new LogPosition(epoch, keepThrough);
    }

    /// <summary>
    /// Entries up to <paramref name="through"/> are retired: the log now starts after it. The
    /// epochs that started before the new base are kept (up to <see cref="EpochCountMax"/>): which
    /// epoch wrote which LSN stays true after the entries are gone, and it is what lets a leader
    /// tell a returning node where it diverged even when the divergence lies before the leader's
    /// base — so the node rolls back what only it had (into a rollback file) before it reloads
    /// from a snapshot, instead of losing it silently in the snapshot.
    /// </summary>
    public void RetireThrough(Lsn through)
    {
        Invariant.That(through > Base.Lsn && through <= Last.Lsn, "retirement stays within the log");
        Base = new LogPosition(EpochAt(through)!.Value, through);
    }

    /// <summary>The log now starts after <paramref name="newBase"/> (snapshot installed or prefix retired).</summary>
    public void ResetTo(LogPosition newBase)
    {
        _epochs.Clear();
        Base = newBase;
        Last = newBase;
    }

    /// <summary>
    /// The last LSN at which this log and <paramref name="other"/> hold the same entry, by the
    /// log matching property: same epoch at the same LSN means identical logs up to there.
    /// Null when the logs share nothing above both bases (the other node needs a snapshot).
    /// </summary>
    public Lsn? CommonPoint(EpochHistory other)
    {
        Lsn? best = null;
        foreach (var (epoch, range) in Ranges())
        {
            if (other.RangeOf(epoch) is not { } otherRange)
            {
                continue;
            }
            var from = Lsn.Max(range.From, otherRange.From);
            var to = Lsn.Min(range.To, otherRange.To);
            if (from <= to && (best is null || to > best.Value))
            {
                best = to;
            }
        }
        if (Base == other.Base || (other.EpochAt(Base.Lsn) == Base.Epoch && Base.Lsn <= other.Last.Lsn))
        {
            best = best is null ? Base.Lsn : Lsn.Max(best.Value, Base.Lsn);
        }
        if (other.Base.Lsn > Base.Lsn && EpochAt(other.Base.Lsn) == other.Base.Epoch)
        {
            best = best is null ? other.Base.Lsn : Lsn.Max(best.Value, other.Base.Lsn);
        }
        return best;
    }

    private IEnumerable<(Epoch Epoch, (Lsn From, Lsn To) Range)> Ranges()
    {
        for (var i = 0; i < _epochs.Count; i++)
        {
            var to = i + 1 < _epochs.Count ? _epochs[i + 1].Start.Previous : Last.Lsn;
            yield return (_epochs[i].Epoch, (_epochs[i].Start, to));
        }
    }

    private (Lsn From, Lsn To)? RangeOf(Epoch epoch)
    {
        foreach (var (e, range) in Ranges())
        {
            if (e == epoch)
            {
                return range;
            }
        }
        return null;
    }

    public override string ToString() =>
        $"base {Base}, last {Last}, epochs [{string.Join(", ", _epochs.Select(e => $"{e.Epoch}@{e.Start}"))}]";
}
