using System.Threading.Channels;
using Chorus.Server.Tests.Security;
using Chorus.Server.Tests.Support;
using StackExchange.Redis;

namespace Chorus.Server.Tests.Resp;

/// <summary>
/// Issue 15, pub/sub: SUBSCRIBE, PSUBSCRIBE, PUBLISH and PUBSUB with Redis 7.0's replies, through
/// StackExchange.Redis's subscriber and over a raw socket (RESP2's subscribed context).
/// </summary>
public sealed class PubSubTests(SingleNode node) : IClassFixture<SingleNode>
{
    [Fact]
    public async Task A_published_message_reaches_channel_and_pattern_subscribers()
    {
        var received = Channel.CreateUnbounded<string>();
        var subscriber = node.Redis.GetSubscriber();
        await subscriber.SubscribeAsync(RedisChannel.Literal("ps:news"), (channel, message) => received.Writer.TryWrite($"{channel}={message}"));
        await subscriber.SubscribeAsync(RedisChannel.Pattern("ps:n*"), (channel, message) => received.Writer.TryWrite($"pattern {channel}={message}"));

        Assert.Equal(2, await subscriber.PublishAsync(RedisChannel.Literal("ps:news"), "hello"));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var got = new[] { await received.Reader.ReadAsync(timeout.Token), await received.Reader.ReadAsync(timeout.Token) };
        Assert.Contains("ps:news=hello", got);
        Assert.Contains("pattern ps:news=hello", got);
        Assert.Equal(0, await subscriber.PublishAsync(RedisChannel.Literal("ps:elsewhere"), "x"));
        Assert.Equal("1", (await node.Db.ExecuteAsync("PUBSUB", "NUMPAT")).ToString());
    }

    [Fact]
    public async Task A_resp2_subscriber_gets_redis_replies_and_only_subscribe_commands_run()
    {
        using var listener = await Raw.ConnectAsync(node.Port);
        Assert.Equal("*3", await listener.LineAsync("SUBSCRIBE", "raw:a"));
        Assert.Equal("$9", await listener.ReadLineAsync());
        Assert.Equal("subscribe", await listener.ReadLineAsync());
        Assert.Equal("$5", await listener.ReadLineAsync());
        Assert.Equal("raw:a", await listener.ReadLineAsync());
        Assert.Equal(":1", await listener.ReadLineAsync());
        Assert.Equal("-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context", await listener.LineAsync("GET", "k"));
        Assert.Equal("*2", await listener.LineAsync("PING"));
        Assert.Equal(["$4", "pong", "$0", ""], [await listener.ReadLineAsync(), await listener.ReadLineAsync(), await listener.ReadLineAsync(), await listener.ReadLineAsync()]);

        using var publisher = await Raw.ConnectAsync(node.Port);
        Assert.Equal(":1", await publisher.LineAsync("PUBLISH", "raw:a", "m1"));
        Assert.Equal(["*3", "$7", "message", "$5", "raw:a", "$2", "m1"], await Lines(listener, 7));
        Assert.Equal("*2", await publisher.LineAsync("PUBSUB", "NUMSUB", "raw:a"));
        Assert.Equal(["$5", "raw:a", ":1"], await Lines(publisher, 3));

        Assert.Equal("*3", await listener.LineAsync("UNSUBSCRIBE"));
        Assert.Equal(["$11", "unsubscribe", "$5", "raw:a", ":0"], await Lines(listener, 5));
        Assert.Equal("$-1", await listener.LineAsync("GET", "raw:missing"));
        Assert.Equal(":0", await publisher.LineAsync("PUBLISH", "raw:a", "m2"));
    }

    private static async Task<string[]> Lines(Raw raw, int count)
    {
        var lines = new string[count];
        for (var i = 0; i < count; i++)
        {
            lines[i] = await raw.ReadLineAsync();
        }
        return lines;
    }
}
