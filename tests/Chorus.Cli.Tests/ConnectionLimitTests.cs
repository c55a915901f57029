using System.Net.Sockets;
using System.Text;
using Chorus.Cli.Tests.Support;

namespace Chorus.Cli.Tests;

/// <summary>
/// Issue 17, finding 3, with a real process: at ~19,850 connections a node ran out of file
/// descriptors, printed "Out of memory." and exited. Like Redis, a node now sizes maxclients to
/// its open files limit at start-up (with a warning when it must lower it) and refuses
/// connections beyond it with "max number of clients reached", staying up for everyone else.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class ConnectionLimitTests
{
    [Fact]
    public async Task A_node_with_few_descriptors_lowers_maxclients_refuses_the_rest_and_stays_up()
    {
        var port = ProcessCluster.FreePort();
        var data = Path.Combine(Path.GetTempPath(), "chorus-fd-" + Guid.NewGuid().ToString("N"));
        // 1,000 descriptors are kept for the node's own files: 1,100 leave room for 100 clients.
        using var node = NodeProcess.Start(["--id", "n1", "--port", port.ToString(), "--peer-port", ProcessCluster.FreePort().ToString(), "--http-port", ProcessCluster.FreePort().ToString(), "--data", data], openFilesLimit: 1100);
        var sockets = new List<Socket>();
        try
        {
            await ProcessCluster.Eventually(() => Task.FromResult(node.Output.Contains("maxclients has been reduced to 100", StringComparison.Ordinal)), TimeSpan.FromSeconds(60), "the node warns that it lowered maxclients");
            await ProcessCluster.Eventually(async () => await PingAsync(port), TimeSpan.FromSeconds(60), "the node answers");
            var refused = 0;
            for (var i = 0; i < 150; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync("127.0.0.1", port, TestContext.Current.CancellationToken);
                sockets.Add(socket);
                var reply = await RequestAsync(socket, "PING\r\n");
                refused += reply == "-ERR max number of clients reached\r\n" ? 1 : 0;
                Assert.True(reply is "+PONG\r\n" or "-ERR max number of clients reached\r\n", reply);
            }
            Assert.Equal(50, refused);
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
        await ProcessCluster.Eventually(async () => await PingAsync(port), TimeSpan.FromSeconds(30), "the node answers once clients left");
        Assert.False(node.HasExited, node.Output);
        await node.StopAsync();
        Directory.Delete(data, recursive: true);
    }

    private static async Task<bool> PingAsync(int port)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync("127.0.0.1", port);
            return await RequestAsync(socket, "PING\r\n") == "+PONG\r\n";
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task<string> RequestAsync(Socket socket, string request)
    {
        await socket.SendAsync(Encoding.ASCII.GetBytes(request));
        var buffer = new byte[256];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return Encoding.ASCII.GetString(buffer, 0, read);
    }
}
