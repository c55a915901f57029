using System.Net.Sockets;
using System.Text;
using Chorus.Server.Tests.Support;
using StackExchange.Redis;

namespace Chorus.Server.Tests.Resp;

/// <summary>
/// Issue 17, finding 3: one node's connections are bounded, in number and in memory, with
/// Redis's settings and replies. maxclients used to be reported and not enforced; a node ran out
/// of descriptors and exited.
/// </summary>
public sealed class ClientLimitTests(SingleNode node) : IClassFixture<SingleNode>
{
    private IServer Server => node.Redis.GetServer("127.0.0.1", node.Port);

    [Fact]
    public async Task A_connection_past_maxclients_gets_redis_error_and_is_closed()
    {
        var connected = int.Parse((await Server.InfoAsync("clients")).SelectMany(g => g).Single(kv => kv.Key == "connected_clients").Value);
        await Server.ConfigSetAsync("maxclients", (connected + 2).ToString());
        var sockets = new List<Socket>();
        try
        {
            for (var i = 0; i < 2; i++)
            {
                var socket = await ConnectAsync();
                sockets.Add(socket);
                Assert.Equal("+PONG\r\n", await RequestAsync(socket, "PING\r\n"));
            }
            using var refused = await ConnectAsync();
            Assert.Equal("-ERR max number of clients reached\r\n", await ReadToEndAsync(refused));
            Assert.Equal((connected + 2).ToString(), (await Server.ConfigGetAsync("maxclients")).Single().Value);
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
            await Server.ConfigSetAsync("maxclients", "10000");
        }
        using var after = await ConnectAsync();
        Assert.Equal("+PONG\r\n", await RequestAsync(after, "PING\r\n"));
        var error = await Assert.ThrowsAsync<RedisServerException>(() => Server.ConfigSetAsync("maxclients", "100000000"));
        Assert.Contains("The operating system is not able to handle the specified number of clients", error.Message);
    }

    /// <summary>Redis's maxmemory-clients: the connection holding the most is closed first.</summary>
    [Fact]
    public async Task Past_maxmemory_clients_the_connection_holding_the_most_is_closed()
    {
        await Server.ConfigSetAsync("maxmemory-clients", "32mb");
        try
        {
            using var small = await ConnectAsync();
            using var big = await ConnectAsync();
            await SendPartialBulkAsync(small, 4 << 20, declared: 5 << 20);
            await WaitUntilBufferedAsync(4L << 20);
            await SendPartialBulkAsync(big, 40 << 20, declared: 64 << 20);
            Assert.Equal("", await ReadToEndAsync(big));
            await small.SendAsync(new byte[1 << 20]);
            Assert.Equal("+OK\r\n", await RequestAsync(small, "\r\n"));
        }
        finally
        {
            await Server.ConfigSetAsync("maxmemory-clients", "0");
        }
        await WaitUntilBufferedAsync(0, atMost: true);
        Assert.Equal(5 << 20, (await node.Db.StringGetAsync("partial")).Length());
    }

    /// <summary>Partial requests leave the transport's pipe: what a closed connection held is released.</summary>
    [Fact]
    public async Task What_a_connection_buffered_is_released_when_it_closes()
    {
        using (var socket = await ConnectAsync())
        {
            await SendPartialBulkAsync(socket, 64 << 20, declared: 256 << 20);
            await WaitUntilBufferedAsync(64L << 20);
        }
        await WaitUntilBufferedAsync(0, atMost: true);
    }

    [Fact]
    public async Task A_reply_over_the_output_buffer_hard_limit_closes_the_connection()
    {
        await node.Db.StringSetAsync("limits:big", new byte[2 << 20]);
        await Server.ConfigSetAsync("client-output-buffer-limit", "normal 1mb 0 0");
        try
        {
            using var socket = await ConnectAsync();
            await socket.SendAsync(Encoding.ASCII.GetBytes("GET limits:big\r\n"));
            Assert.Equal("", await ReadToEndAsync(socket));
            Assert.Equal("normal 1048576 0 0 replica 268435456 67108864 60 pubsub 33554432 8388608 60", (await Server.ConfigGetAsync("client-output-buffer-limit")).Single().Value);
        }
        finally
        {
            await Server.ConfigSetAsync("client-output-buffer-limit", "normal 0 0 0");
        }
        Assert.Equal(2 << 20, (await node.Db.StringGetAsync("limits:big")).Length());
    }

    [Fact]
    public async Task A_request_over_the_query_buffer_limit_is_refused()
    {
        await Server.ConfigSetAsync("client-query-buffer-limit", "1mb");
        try
        {
            using var socket = await ConnectAsync();
            await socket.SendAsync(Encoding.ASCII.GetBytes($"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n${2 << 20}\r\n"));
            Assert.Equal("-ERR Protocol error: request exceeds the query buffer limit\r\n", await ReadToEndAsync(socket));
        }
        finally
        {
            await Server.ConfigSetAsync("client-query-buffer-limit", "1gb");
        }
    }

    private async Task WaitUntilBufferedAsync(long bytes, bool atMost = false) =>
        await Eventually.TrueAsync(async () =>
        {
            var value = long.Parse((await Server.InfoAsync("clients")).SelectMany(g => g).Single(kv => kv.Key == "mem_clients_normal").Value);
            return atMost ? value <= bytes + (1 << 20) : value >= bytes;
        }, TimeSpan.FromSeconds(30), atMost ? $"clients hold at most {bytes} bytes" : $"clients hold {bytes} bytes");

    /// <summary>Starts SET partial with a bulk of <paramref name="declared"/> bytes and sends <paramref name="bytes"/> of it (or until the server closes).</summary>
    private static async Task SendPartialBulkAsync(Socket socket, int bytes, int declared)
    {
        await socket.SendAsync(Encoding.ASCII.GetBytes($"*3\r\n$3\r\nSET\r\n$7\r\npartial\r\n${declared}\r\n"));
        var chunk = new byte[1 << 20];
        try
        {
            for (var sent = 0; sent < bytes; sent += chunk.Length)
            {
                await socket.SendAsync(chunk);
            }
        }
        catch (SocketException)
        {
            // the server closed the connection: what the test is about
        }
    }

    private async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync("127.0.0.1", node.Port);
        return socket;
    }

    private static async Task<string> RequestAsync(Socket socket, string request)
    {
        await socket.SendAsync(Encoding.ASCII.GetBytes(request));
        var buffer = new byte[1024];
        var read = await socket.ReceiveAsync(buffer);
        return Encoding.ASCII.GetString(buffer, 0, read);
    }

    /// <summary>Everything the server sends until it closes the connection (it must, within the deadline).</summary>
    private static async Task<string> ReadToEndAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            // closed without a goodbye: what was received is the answer
        }
        return Encoding.ASCII.GetString(received.ToArray());
    }
}
