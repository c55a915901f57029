using Chorus.Server.Tests.Support;
using StackExchange.Redis;

namespace Chorus.Server.Tests.Resp;

/// <summary>
/// Issue 15, streams as a real client uses them, over a real socket to a real node:
/// StackExchange.Redis's StreamAdd (auto and explicit ids, MAXLEN), StreamRead, StreamRange,
/// StreamLength, StreamDelete, StreamTrim, an XREAD BLOCK on one connection woken by an XADD
/// on another, and consumer groups: StreamCreateConsumerGroup, StreamReadGroup,
/// StreamAcknowledge, StreamPending, StreamClaim, StreamGroupInfo, StreamConsumerInfo.
/// </summary>
public sealed class StreamClientTests(SingleNode node) : IClassFixture<SingleNode>
{
    private IDatabase Db => node.Db;

    [Fact]
    public async Task StreamAdd_then_StreamRead_and_StreamRange_return_the_entries()
    {
        var first = await Db.StreamAddAsync("stream:orders", [new NameValueEntry("item", "book"), new NameValueEntry("qty", 2)]);
        var second = await Db.StreamAddAsync("stream:orders", "item", "pen");
        Assert.Matches(@"^\d+-\d+$", first.ToString());
        Assert.True(string.CompareOrdinal(first.ToString(), second.ToString()) != 0);

        var read = await Db.StreamReadAsync("stream:orders", "0-0");
        Assert.Equal([first.ToString(), second.ToString()], read.Select(e => e.Id.ToString()));
        Assert.Equal("book", read[0]["item"].ToString());
        Assert.Equal("2", read[0]["qty"].ToString());
        var after = await Db.StreamReadAsync("stream:orders", first);
        Assert.Equal(second, Assert.Single(after).Id);

        var reversed = await Db.StreamRangeAsync("stream:orders", "-", "+", count: 1, messageOrder: Order.Descending);
        Assert.Equal(second, Assert.Single(reversed).Id);
        Assert.Equal(2, await Db.StreamLengthAsync("stream:orders"));
        Assert.Equal(1, await Db.StreamDeleteAsync("stream:orders", [first]));
        Assert.Equal(1, await Db.StreamLengthAsync("stream:orders"));
    }

    [Fact]
    public async Task A_consumer_group_reads_acknowledges_and_claims_through_the_client()
    {
        Assert.True(await Db.StreamCreateConsumerGroupAsync("stream:jobs", "workers", StreamPosition.NewMessages, createStream: true));
        var first = await Db.StreamAddAsync("stream:jobs", "job", "1");
        var second = await Db.StreamAddAsync("stream:jobs", "job", "2");

        var alice = await Db.StreamReadGroupAsync("stream:jobs", "workers", "alice", StreamPosition.NewMessages, count: 1);
        Assert.Equal(first, Assert.Single(alice).Id);
        var bob = await Db.StreamReadGroupAsync("stream:jobs", "workers", "bob", StreamPosition.NewMessages);
        Assert.Equal(second, Assert.Single(bob).Id);

        var pending = await Db.StreamPendingAsync("stream:jobs", "workers");
        Assert.Equal(2, pending.PendingMessageCount);
        Assert.Equal(first, pending.LowestPendingMessageId);
        Assert.Equal(["alice", "bob"], pending.Consumers.Select(c => c.Name.ToString()));

        Assert.Equal(1, await Db.StreamAcknowledgeAsync("stream:jobs", "workers", first));
        var claimed = await Db.StreamClaimAsync("stream:jobs", "workers", "carol", 0, [second]);
        Assert.Equal(second, Assert.Single(claimed).Id);
        var rows = await Db.StreamPendingMessagesAsync("stream:jobs", "workers", 10, RedisValue.Null);
        Assert.Equal("carol", Assert.Single(rows).ConsumerName.ToString());
        Assert.Equal(2, rows[0].DeliveryCount);

        var group = Assert.Single(await Db.StreamGroupInfoAsync("stream:jobs"));
        Assert.Equal(("workers", 3, 1), (group.Name, group.ConsumerCount, group.PendingMessageCount));
        Assert.Equal(["alice", "bob", "carol"], (await Db.StreamConsumerInfoAsync("stream:jobs", "workers")).Select(c => c.Name));
    }

    [Fact]
    public async Task Explicit_ids_maxlen_and_trim_behave_as_in_redis()
    {
        Assert.Equal("5-1", (await Db.StreamAddAsync("stream:ids", "f", "v", messageId: "5-1")).ToString());
        var error = await Assert.ThrowsAsync<RedisServerException>(() => Db.StreamAddAsync("stream:ids", "f", "v", messageId: "5-1"));
        Assert.Equal("ERR The ID specified in XADD is equal or smaller than the target stream top item", error.Message);
        for (var i = 2; i <= 6; i++)
        {
            await Db.StreamAddAsync("stream:ids", "f", i, messageId: $"5-{i}", maxLength: 3);
        }
        Assert.Equal(3, await Db.StreamLengthAsync("stream:ids"));
        Assert.Equal(2, await Db.StreamTrimAsync("stream:ids", 1));
        Assert.Equal("5-6", (await Db.StreamRangeAsync("stream:ids")).Single().Id.ToString());
    }

    [Fact]
    public async Task An_xread_block_on_one_connection_is_woken_by_an_xadd_on_another()
    {
        await Db.StreamAddAsync("stream:feed", "old", "x");
        // StackExchange.Redis multiplexes one socket, so the blocking call gets a connection of its own.
        await using var blocking = await ConnectionMultiplexer.ConnectAsync(SingleNode.Configuration(node.Port));
        var read = blocking.GetDatabase().ExecuteAsync("XREAD", "BLOCK", "0", "STREAMS", "stream:feed", "$");
        await Eventually.TrueAsync(async () => Blocked(await node.Redis.GetServer(node.Redis.GetEndPoints()[0]).InfoAsync("clients")) >= 1, TimeSpan.FromSeconds(30), "XREAD is blocked");
        var added = await Db.StreamAddAsync("stream:feed", "new", "y");
        var reply = (RedisResult[])(await read.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken))!;
        var stream = (RedisResult[])reply[0]!;
        Assert.Equal("stream:feed", (string?)stream[0]);
        var entry = (RedisResult[])((RedisResult[])stream[1]!)[0]!;
        Assert.Equal(added.ToString(), (string?)entry[0]);
    }

    private static int Blocked(IGrouping<string, KeyValuePair<string, string>>[] info) =>
        int.Parse(info.SelectMany(g => g).First(p => p.Key == "blocked_clients").Value, System.Globalization.CultureInfo.InvariantCulture);
}
