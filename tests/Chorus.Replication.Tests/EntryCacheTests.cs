using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Replication.Log;

namespace Chorus.Replication.Tests;

public sealed class EntryCacheTests
{
    private static LogEntry Entry(ulong lsn, int size = 10) =>
        LogEntry.Create(new LogPosition(new Epoch(1), new Lsn(lsn)), HlcTimestamp.Zero, new NodeId("n1"), PayloadKind.Logical, new byte[size]);

    [Fact]
    public void Keeps_only_the_newest_entries_within_its_byte_budget()
    {
        var cache = new EntryCache(bytesMax: Entry(1).Encoded.Length * 10);
        for (ulong lsn = 1; lsn <= 100; lsn++)
        {
            cache.Append(Entry(lsn));
        }
        Assert.Equal(new Lsn(91), cache.FirstLsn);
        Assert.Equal(new Lsn(100), cache.LastLsn);
        Assert.False(cache.Contains(new Lsn(90)));
        Assert.Equal(new Lsn(95), cache.Get(new Lsn(95))!.Lsn);
    }

    [Fact]
    public void Copies_ranges_bounded_by_bytes_but_at_least_one_entry()
    {
        var cache = new EntryCache(1 << 20);
        for (ulong lsn = 1; lsn <= 2000; lsn++)
        {
            cache.Append(Entry(lsn, size: 100));
        }
        var range = new List<LogEntry>();
        Assert.True(cache.TryCopyRange(new Lsn(1500), Entry(1500, 100).Encoded.Length * 3, range));
        Assert.Equal([new Lsn(1500), new Lsn(1501), new Lsn(1502)], range.Select(e => e.Lsn));

        var one = new List<LogEntry>();
        Assert.True(cache.TryCopyRange(new Lsn(7), 1, one));
        Assert.Single(one);
        Assert.False(cache.TryCopyRange(new Lsn(2001), 100, []));
    }

    [Fact]
    public void Truncation_drops_the_tail()
    {
        var cache = new EntryCache(1 << 20);
        for (ulong lsn = 1; lsn <= 10; lsn++)
        {
            cache.Append(Entry(lsn));
        }
        cache.TruncateAfter(new Lsn(4));
        Assert.Equal(new Lsn(4), cache.LastLsn);
        cache.Append(Entry(5));
        Assert.Equal(new Lsn(5), cache.LastLsn);
        Assert.Throws<InvariantViolationException>(() => cache.Append(Entry(9)));
    }
}
