using System.Globalization;
using System.Text;
using StackExchange.Redis;

namespace Chorus.Compat.Tests;

/// <summary>
/// Issue 15, keyspace notifications: with the same notify-keyspace-events on redis-server 7.0 and
/// Chorus, a subscriber to every channel on each hears the same notifications, in the same order,
/// for the same seeded commands (every data type's writes, errors that change nothing, deletions
/// that empty a collection, renames, moves and expiry).
/// </summary>
[Collection(RealServersCollection.Name)]
public sealed class KeyspaceNotificationTests(RealServers real)
{
    private static readonly string[] Keys = ["a", "b", "c"];

    [Theory]
    [InlineData(1, "KEA")]
    [InlineData(2, "KEA")]
    [InlineData(3, "Kgn$lshzx")]
    [InlineData(4, "El")]
    [InlineData(5, "KEA")]
    [InlineData(6, "KEAn")]
    [InlineData(7, "KEA")]
    [InlineData(8, "Kgn$lshzx")]
    public async Task Both_servers_publish_the_same_notifications_for_the_same_commands(int seed, string flags)
    {
        var servers = real.Servers;
        var cancel = TestContext.Current.CancellationToken;
        await servers.ResetAsync(2, cancel);
        var (redisConfig, chorusConfig) = await servers.SendAsync([Args("CONFIG", "SET", "notify-keyspace-events", flags), Args("CONFIG", "GET", "notify-keyspace-events")], cancel);
        Assert.Equal(redisConfig.Select(r => r.ToString()), chorusConfig.Select(r => r.ToString()));
        try
        {
            await using var redis = await Listener.StartAsync(servers.Redis.Port);
            await using var chorus = await Listener.StartAsync(servers.Chorus.Port);
            var random = new Random(seed);
            var commands = Enumerable.Range(0, 300).Select(_ => Command(random)).ToList();
            foreach (var (command, i) in commands.Select((c, i) => (c, i)))
            {
                // The step marker travels with the notifications: a mismatch names its command.
                await servers.SendAsync([Args(command), Args("PUBLISH", "step", $"{i}: {string.Join(' ', command)}")], cancel);
            }
            await servers.SendAsync([Args("PUBLISH", "end", "end")], cancel);
            var expected = await redis.UntilEndAsync();
            var actual = await chorus.UntilEndAsync();
            Assert.True(expected.Count > commands.Count + (flags == "El" ? 0 : 100), $"seed {seed}: Redis published only {expected.Count} notifications");
            for (var i = 0; i < Math.Max(expected.Count, actual.Count); i++)
            {
                Assert.True(i < expected.Count && i < actual.Count && expected[i] == actual[i],
                    $"seed {seed}, flags {flags}: notification #{i} differs: Redis {At(expected, i)}, Chorus {At(actual, i)}; before it: {string.Join(" | ", expected.Skip(Math.Max(0, i - 8)).Take(Math.Min(i, 8)))}\ncommands: {string.Join(" | ", commands.Select(c => string.Join(' ', c)))}");
            }
        }
        finally
        {
            await servers.SendAsync([Args("CONFIG", "SET", "notify-keyspace-events", "")], cancel);
        }
    }

    [Fact]
    public async Task An_expired_key_is_announced_on_both()
    {
        var servers = real.Servers;
        var cancel = TestContext.Current.CancellationToken;
        await servers.ResetAsync(2, cancel);
        await servers.SendAsync([Args("CONFIG", "SET", "notify-keyspace-events", "Exg")], cancel);
        try
        {
            await using var redis = await Listener.StartAsync(servers.Redis.Port);
            await using var chorus = await Listener.StartAsync(servers.Chorus.Port);
            await servers.SendAsync([Args("SET", "short", "v", "PX", "100")], cancel);
            // Neither server is asked for the key: the active expiry cycle must find it.
            Assert.Equal(["pmessage __keyevent@0__:expire short", "pmessage __keyevent@0__:expired short"], await redis.NextAsync(2));
            Assert.Equal(["pmessage __keyevent@0__:expire short", "pmessage __keyevent@0__:expired short"], await chorus.NextAsync(2));
        }
        finally
        {
            await servers.SendAsync([Args("CONFIG", "SET", "notify-keyspace-events", "")], cancel);
        }
    }

    private static string At(List<string> list, int i) => i < list.Count ? list[i] : "(nothing)";

    /// <summary>A write of some type to one of a few keys, so types collide (WRONGTYPE errors fire nothing) and collections empty.</summary>
    private static string[] Command(Random random)
    {
        string Key() => Keys[random.Next(Keys.Length)];
        string Small() => random.Next(4).ToString(CultureInfo.InvariantCulture);
        var key = Key();
        string[][] choices =
        [
            ["SET", key, Small()], ["SET", key, Small(), "EX", "100"], ["SETEX", key, "100", Small()], ["SET", key, Small(), "KEEPTTL"],
            ["INCR", key], ["INCRBY", key, "5"], ["DECR", key], ["INCRBYFLOAT", key, "1.5"], ["APPEND", key, "x"], ["SETRANGE", key, "2", "yz"],
            ["GETDEL", key], ["DEL", key, Key()], ["UNLINK", key], ["EXPIRE", key, "100"], ["EXPIRE", key, "-1"], ["PERSIST", key], ["PEXPIRE", key, "100000"],
            ["RENAME", key, Key()], ["RENAMENX", key, Key()], ["COPY", key, Key()], ["MOVE", key, "1"],
            ["LPUSH", key, Small(), Small()], ["RPUSH", key, Small()], ["LPOP", key], ["RPOP", key, "2"], ["LSET", key, "0", "v"],
            ["LINSERT", key, "BEFORE", Small(), "i"], ["LREM", key, "0", Small()], ["LTRIM", key, "1", "-1"], ["LMOVE", key, Key(), "LEFT", "RIGHT"], ["RPOPLPUSH", key, Key()],
            ["HSET", key, "f" + Small(), Small(), "g", "1"], ["HDEL", key, "f" + Small(), "g"], ["HINCRBY", key, "n", "2"], ["HINCRBYFLOAT", key, "n", "0.5"], ["HSETNX", key, "f1", "v"],
            ["SADD", key, Small(), Small()], ["SREM", key, Small()], ["SMOVE", key, Key(), Small()], ["SINTERSTORE", key, Key(), Key()], ["SUNIONSTORE", key, Key()],
            ["ZADD", key, Small(), "m" + Small()], ["ZADD", key, "INCR", "1", "m1"], ["ZINCRBY", key, "2", "m2"], ["ZREM", key, "m" + Small()], ["ZPOPMIN", key], ["ZPOPMAX", key],
            ["ZREMRANGEBYSCORE", key, "0", "1"], ["ZREMRANGEBYRANK", key, "0", "0"], ["ZUNIONSTORE", key, "2", Key(), Key()],
            ["XADD", key, Small() + "-*", "f", Small()], ["XADD", key, "MAXLEN", "1", Small() + "-*", "f", "v"], ["XADD", key, "NOMKSTREAM", Small() + "-*", "f", "v"],
            ["XDEL", key, Small() + "-0", Small() + "-1"], ["XTRIM", key, "MAXLEN", "1"], ["XTRIM", key, "MINID", Small()],
            ["XGROUP", "CREATE", key, "g", "0", "MKSTREAM"], ["XGROUP", "SETID", key, "g", "0"], ["XGROUP", "DESTROY", key, "g"],
            ["XGROUP", "CREATECONSUMER", key, "g", "c" + Small()], ["XGROUP", "DELCONSUMER", key, "g", "c" + Small()],
            ["XREADGROUP", "GROUP", "g", "c" + Small(), "STREAMS", key, ">"], ["XACK", key, "g", Small() + "-0"],
            ["XCLAIM", key, "g", "c" + Small(), "0", Small() + "-0", Small() + "-1"], ["XSETID", key, "99-0"],
        ];
        return choices[random.Next(choices.Length)];
    }

    private static IReadOnlyList<byte[]> Args(params string[] args) => [.. args.Select(Encoding.UTF8.GetBytes)];

    /// <summary>A subscriber to every channel (PSUBSCRIBE *) on one server, reading its messages in order.</summary>
    private sealed class Listener : IAsyncDisposable
    {
        private readonly ConnectionMultiplexer _connection;
        private readonly ChannelMessageQueue _queue;

        private Listener(ConnectionMultiplexer connection, ChannelMessageQueue queue) => (_connection, _queue) = (connection, queue);

        public static async Task<Listener> StartAsync(int port)
        {
            var connection = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions { EndPoints = { { "127.0.0.1", port } }, AbortOnConnectFail = true });
            var queue = await connection.GetSubscriber().SubscribeAsync(RedisChannel.Pattern("*"));
            return new Listener(connection, queue);
        }

        /// <summary>The notifications before the "end" marker, each as "pmessage channel message" (other channels, such as a node's __Booksleeve_MasterChanged, are left out).</summary>
        public async Task<List<string>> UntilEndAsync()
        {
            var seen = new List<string>();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (true)
            {
                var message = await _queue.ReadAsync(timeout.Token);
                if (message.Channel == RedisChannel.Literal("end"))
                {
                    return seen;
                }
                if (((string?)message.Channel)?.StartsWith("__key", StringComparison.Ordinal) == true || message.Channel == RedisChannel.Literal("step"))
                {
                    seen.Add($"pmessage {message.Channel} {message.Message}");
                }
            }
        }

        public async Task<List<string>> NextAsync(int count)
        {
            var seen = new List<string>();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (seen.Count < count)
            {
                var message = await _queue.ReadAsync(timeout.Token);
                if (((string?)message.Channel)?.StartsWith("__key", StringComparison.Ordinal) == true)
                {
                    seen.Add($"pmessage {message.Channel} {message.Message}");
                }
            }
            return seen;
        }

        public async ValueTask DisposeAsync()
        {
            await _queue.UnsubscribeAsync();
            await _connection.DisposeAsync();
        }
    }
}
