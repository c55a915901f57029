using System.Net.Sockets;
using System.Text;
using Chorus.Server.Tests.Support;

namespace Chorus.Server.Tests.Resp;

/// <summary>
/// Issue 17, finding 4: a client that sends its requests and then half-closes the connection
/// (shutdown(SHUT_WR), as `printf ... | nc -N` does) gets every reply before the server closes,
/// as with Redis. 194 of 200 such requests used to get no reply and were not applied.
/// </summary>
public sealed class HalfClosedConnectionTests(SingleNode node) : IClassFixture<SingleNode>
{
    [Fact]
    public async Task Requests_before_the_client_half_closes_are_executed_and_answered()
    {
        const int Connections = 200;
        for (var i = 0; i < Connections; i++)
        {
            var reply = await SendThenHalfCloseAsync(node.Port, $"SET half:{i} v{i}\r\n*2\r\n$3\r\nGET\r\n${$"half:{i}".Length}\r\nhalf:{i}\r\n");
            Assert.Equal($"+OK\r\n${$"v{i}".Length}\r\nv{i}\r\n", reply);
        }
        for (var i = 0; i < Connections; i++)
        {
            Assert.Equal($"v{i}", await node.Db.StringGetAsync($"half:{i}"));
        }
    }

    /// <summary>Sends <paramref name="requests"/>, shuts down the sending side, reads until the server closes.</summary>
    internal static async Task<string> SendThenHalfCloseAsync(int port, string requests)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync("127.0.0.1", port, timeout.Token);
        await socket.SendAsync(Encoding.ASCII.GetBytes(requests), SocketFlags.None, timeout.Token);
        socket.Shutdown(SocketShutdown.Send);
        var received = new MemoryStream();
        var buffer = new byte[4096];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
        {
            received.Write(buffer, 0, read);
        }
        return Encoding.ASCII.GetString(received.ToArray());
    }
}
