using System.Text.Json;
using Chorus.Commands.Statements;
using Chorus.Core;
using Chorus.Node.ChangeCapture;
using Chorus.Replication.Log;
using Chorus.Replication.Messages;

namespace Chorus.Node.Tests.Driver;

/// <summary>
/// DDIA ch. 5, "Logical (row-based) log replication": the logical log offered to outside consumers
/// as change data capture, through the production driver. A consumer gets each committed change
/// with its key, before and after images, LSN, epoch and timestamp; never a change that is not
/// committed; resumes from its position; is told when it fell behind retention, and when a power
/// loss took back changes it had read.
/// </summary>
public sealed class ChangeFeedTests
{
    [Fact]
    public void Each_change_carries_its_key_operation_images_and_position_on_the_leader_and_on_a_follower()
    {
        var cluster = new DriverCluster(3);
        cluster.StartAll();
        var writtenAtMs = cluster.NowMs;
        cluster.Write("SET", "user:1", "ada");
        cluster.Write("SET", "user:1", "grace");
        cluster.Write("HSET", "row", "name", "bob", "age", "7");
        cluster.Write("HSET", "row", "name", "al");
        cluster.Write("PEXPIREAT", "user:1", "1800000000000");
        cluster.Write("DEL", "user:1", "row");
        cluster.Settle();

        foreach (var node in new[] { "n1", "n3" })
        {
            var changes = ReadAll(cluster, node).Where(e => e.GetProperty("type").GetString() == "change").ToList();
            Assert.Equal(7, changes.Count);
            var overwrite = changes[1];
            Assert.Equal("user:1", overwrite.GetProperty("key").GetString());
            Assert.Equal("set", overwrite.GetProperty("op").GetString());
            Assert.Equal("grace", overwrite.GetProperty("after").GetString());
            Assert.Equal("ada", overwrite.GetProperty("before").GetString());
            Assert.Equal(0, overwrite.GetProperty("db").GetInt32());
            Assert.True(overwrite.GetProperty("lsn").GetUInt64() > changes[0].GetProperty("lsn").GetUInt64());
            Assert.Equal(1UL, overwrite.GetProperty("epoch").GetUInt64());
            Assert.Equal(writtenAtMs, overwrite.GetProperty("ts").GetInt64());

            var field = changes[3].GetProperty("fields")[0];
            Assert.Equal(("name", "al", "bob"), (field.GetProperty("field").GetString(), field.GetProperty("after").GetString(), field.GetProperty("before").GetString()));
            Assert.Equal(1800000000000, changes[4].GetProperty("expiresAtMs").GetInt64());
            Assert.Equal(("del", "grace"), (changes[5].GetProperty("op").GetString(), changes[5].GetProperty("before").GetString()));
            // A deleted hash: its type and count are in the log, its elements are not — and the event says so.
            Assert.Equal(("hash", 2, "not-in-log"), (changes[6].GetProperty("beforeType").GetString(), changes[6].GetProperty("beforeCount").GetInt32(), changes[6].GetProperty("beforeElements").GetString()));
        }
    }

    /// Async acknowledgement: the client hears OK once the leader stored the write, but a consumer sees it only once a majority holds it.
    [Fact]
    public void A_write_no_follower_has_yet_is_not_served_until_a_majority_holds_it()
    {
        var cluster = new DriverCluster(3);
        cluster.StartAll();
        cluster.Write("SET", "a", "1");
        cluster.Settle();
        var before = cluster["n1"].Driver!.Changes.Watermark.Applied;

        cluster.Network = m => m is not AppendResponse;
        cluster.Write("SET", "b", "2");
        cluster.Settle();
        var feed = cluster["n1"].Driver!.Changes;
        Assert.Equal(before, feed.Watermark.Applied);
        Assert.Empty(feed.Read(new ChangeCursor(before.Next, null), 100).Events);

        cluster.Network = _ => true;
        cluster.Settle();
        var late = feed.Read(new ChangeCursor(before.Next, null), 100);
        Assert.Equal("b", Parse(Assert.Single(late.Events)).GetProperty("key").GetString());
    }

    [Fact]
    public void A_consumer_resumes_from_its_position_without_gaps_or_repeats_and_statements_read_like_rows()
    {
        var cluster = new DriverCluster(3) { LogFormat = new LogFormatSetting(LogFormat.Statement) };
        cluster.StartAll();
        for (var i = 0; i < 50; i++)
        {
            cluster.Write("SET", $"k{i}", $"v{i}");
            cluster.Write("INCRBYFLOAT", "price", "0.5");
        }
        cluster.Settle();

        var feed = cluster["n2"].Driver!.Changes;
        var cursor = new ChangeCursor(new Lsn(1), null);
        var seen = new List<JsonElement>();
        while (true)
        {
            var batch = feed.Read(cursor, 7);
            Assert.Equal(ChangeReadStatus.Ok, batch.Status);
            if (batch.Next == cursor)
            {
                break;
            }
            seen.AddRange(batch.Events.Select(Parse));
            cursor = batch.Next;
        }
        var lsns = seen.Select(e => e.GetProperty("lsn").GetUInt64()).ToList();
        Assert.Equal(100, lsns.Count);
        Assert.Equal(lsns.Distinct().Count(), lsns.Count);
        Assert.True(lsns.SequenceEqual(lsns.Order()));
        // Statements are served from the row changes they made on this node (their undo images).
        Assert.Equal("v49", seen.Last(e => e.GetProperty("key").GetString() == "k49").GetProperty("after").GetString());
        Assert.Equal("25", seen.Last().GetProperty("after").GetString());
        Assert.Equal("24.5", seen.Last().GetProperty("before").GetString());
    }

    [Fact]
    public void A_position_behind_retention_is_refused_with_the_oldest_retained_lsn()
    {
        var cluster = new DriverCluster(1) { Retention = new RetentionOptions { RetainBytes = 1, KeepTailEntries = 1 } };
        cluster.StartAll();
        for (var i = 0; i < 5; i++)
        {
            cluster.Advance(6_000);
            cluster.Write("SET", $"k{i}", "v");
        }
        var feed = cluster["n1"].Driver!.Changes;
        var batch = feed.Read(new ChangeCursor(new Lsn(1), null), 10);

        Assert.Equal(ChangeReadStatus.BehindRetention, batch.Status);
        Assert.True(batch.OldestRetained > new Lsn(1));
        Assert.Equal(ChangeReadStatus.Ok, feed.Read(new ChangeCursor(batch.OldestRetained, null), 10).Status);
    }

    /// The one way a committed change comes back: a power loss with fsync everysec. The consumer hears it as a rollback event.
    [Fact]
    public void Changes_a_power_loss_took_back_are_announced_as_a_rollback_to_the_consumer_that_read_them()
    {
        var cluster = new DriverCluster(1);
        cluster.StartAll();
        cluster.Write("SET", "kept", "1");
        cluster.Sync("n1");
        var synced = cluster["n1"].Driver!.Changes.Watermark.Applied;
        cluster.Write("SET", "lost", "1");
        var read = cluster["n1"].Driver!.Changes.Read(new ChangeCursor(synced.Next, null), 10);
        Assert.Equal("lost", Parse(Assert.Single(read.Events)).GetProperty("key").GetString());

        cluster.Crash("n1");
        cluster.Start("n1");
        cluster.Settle();
        cluster.Write("SET", "after", "1");
        cluster.Write("SET", "after2", "1");

        var feed = cluster["n1"].Driver!.Changes;
        var rollback = feed.Read(read.Next, 10);
        Assert.Equal(ChangeReadStatus.RolledBack, rollback.Status);
        var notice = Parse(Assert.Single(rollback.Events));
        Assert.Equal("rollback", notice.GetProperty("type").GetString());
        Assert.True(notice.GetProperty("afterLsn").GetUInt64() <= synced.Value);
        var replay = feed.Read(rollback.Next, 100).Events.Select(Parse).Where(e => e.GetProperty("type").GetString() == "change").Select(e => e.GetProperty("key").GetString()).ToList();
        Assert.DoesNotContain("lost", replay);
        Assert.Contains("after", replay);
    }

    private static List<JsonElement> ReadAll(DriverCluster cluster, string id)
    {
        var batch = cluster[id].Driver!.Changes.Read(new ChangeCursor(new Lsn(1), null), 1000);
        Assert.Equal(ChangeReadStatus.Ok, batch.Status);
        return batch.Events.Select(Parse).ToList();
    }

    private static JsonElement Parse(byte[] json) => JsonDocument.Parse(json).RootElement.Clone();
}
