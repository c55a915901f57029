using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Replication.Messages;

namespace Chorus.Replication.Tests;

/// <summary>
/// A follower handed a batch that starts inside what it already holds (a resent or duplicated
/// AppendEntries, DDIA ch. 5 "Handling node outages") appends only the entries after its log's end,
/// and a batch of nothing but entries it holds appends nothing. The follower appends the decoded
/// list itself when it holds none of the batch (catch-up's case); these cover the other cases.
/// </summary>
public sealed class FollowerOverlappingBatchTests
{
    [Theory]
    [InlineData(6, 2)] // entries 6..11 held, 12..13 new
    [InlineData(2, 0)] // entries 2..11, all held
    [InlineData(12, 3)] // 12..14, none held
    public void A_batch_overlapping_the_log_appends_only_what_follows_it(int firstLsn, int newCount)
    {
        var cluster = new CoreCluster(3);
        cluster.StartAll();
        for (var i = 0; i < 10; i++)
        {
            cluster.Propose($"w{i}");
        }
        cluster.Settle();
        var leaderLog = cluster["n1"].Log;
        Assert.Equal(11, leaderLog.Count);
        var epoch = cluster.Core("n1").Epoch;
        var fresh = Enumerable.Range(0, newCount)
            .Select(i => LogEntry.Create(new LogPosition(epoch, new Lsn((ulong)(12 + i))), HlcTimestamp.From(5_000 + i, 0), new NodeId("n1"), PayloadKind.Logical, System.Text.Encoding.UTF8.GetBytes($"new{i}")))
            .ToList();
        List<LogEntry> entries = [.. leaderLog.Skip(firstLsn - 1), .. fresh];
        var last = entries[^1].Lsn;

        cluster.Core("n2").Step(new AppendEntries(new NodeId("n1"), new NodeId("n2"), epoch, leaderLog[firstLsn - 2].Position,
            LogEntryBatch.Encode(entries), entries.Count, last, HlcTimestamp.From(6_000, 0), "", LeaderCommit: new Lsn(11)));
        cluster.Advance(0);

        var follower = cluster["n2"].Log;
        Assert.Equal(11 + newCount, follower.Count);
        Assert.Equal(leaderLog.Select(e => e.Encoded.ToArray()), follower.Take(11).Select(e => e.Encoded.ToArray()));
        Assert.Equal(fresh.Select(e => e.Encoded.ToArray()), follower.Skip(11).Select(e => e.Encoded.ToArray()));
    }
}
