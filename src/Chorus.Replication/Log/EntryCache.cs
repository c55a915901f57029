using Chorus.Core;
using Chorus.Core.Log;

namespace Chorus.Replication.Log;

/// <summary>
/// The most recent log entries, in memory and bounded by bytes: the replication backlog a
/// leader ships to followers that are close behind without reading its disk (Redis keeps the
/// same thing as its repl-backlog). Older entries come from storage through a log read.
/// A ring buffer, so finding an LSN is arithmetic.
/// </summary>
public sealed class EntryCache(long bytesMax)
{
    private LogEntry[] _ring = new LogEntry[1024];
    private int _head;
    private int _count;
    private long _bytes;

    public long Bytes => _bytes;

    public int Count => _count;

    public Lsn FirstLsn => _count == 0 ? Lsn.Zero : At(0).Lsn;

    public Lsn LastLsn => _count == 0 ? Lsn.Zero : At(_count - 1).Lsn;

    public void Append(LogEntry entry)
    {
        Invariant.That(_count == 0 || entry.Lsn == LastLsn.Next, "the entry cache is contiguous");
        if (_count == _ring.Length)
        {
            Grow();
        }
        _ring[(_head + _count) % _ring.Length] = entry;
        _count++;
        _bytes += entry.Encoded.Length;
        while (_bytes > bytesMax && _count > 1)
        {
            RemoveFirst();
        }
    }

    public bool Contains(Lsn lsn) => _count > 0 && lsn >= FirstLsn && lsn <= LastLsn;

    public LogEntry? Get(Lsn lsn) => Contains(lsn) ? At(IndexOf(lsn)) : null;

    /// <summary>
    /// Entries from <paramref name="from"/> on, stopping before <paramref name="bytesMax"/> is
    /// exceeded (always at least one). False if the cache does not hold <paramref name="from"/>.
    /// </summary>
    public bool TryCopyRange(Lsn from, long bytesMax, List<LogEntry> into)
    {
        if (!Contains(from))
        {
            return false;
        }
        long bytes = 0;
        for (var i = IndexOf(from); i < _count; i++)
        {
            var entry = At(i);
            if (bytes > 0 && bytes + entry.Encoded.Length > bytesMax)
            {
                break;
            }
            into.Add(entry);
            bytes += entry.Encoded.Length;
        }
        return true;
    }

    public void TruncateAfter(Lsn keepThrough)
    {
        while (_count > 0 && LastLsn > keepThrough)
        {
            var last = (_head + _count - 1) % _ring.Length;
            _bytes -= _ring[last].Encoded.Length;
            _ring[last] = null!;
            _count--;
        }
    }

    public void Clear()
    {
        Array.Clear(_ring);
        _head = 0;
        _count = 0;
        _bytes = 0;
    }

    private LogEntry At(int index) => _ring[(_head + index) % _ring.Length];

    private int IndexOf(Lsn lsn) => (int)(lsn.Value - FirstLsn.Value);

    private void RemoveFirst()
    {
        _bytes -= _ring[_head].Encoded.Length;
        _ring[_head] = null!;
        _head = (_head + 1) % _ring.Length;
        _count--;
    }

    private void Grow()
    {
        var bigger = new LogEntry[_ring.Length * 2];
        for (var i = 0; i < _count; i++)
        {
            bigger[i] = At(i);
        }
        _ring = bigger;
        _head = 0;
    }
}
