using System.Globalization;
using Chorus.Cli.Tests.Support;
using Chorus.Client;

namespace Chorus.Cli.Tests;

/// <summary>
/// `chorus node add` and `chorus node remove` on a leaderless cluster started by `chorus cluster
/// up` (docs/leaderless.md, "Membership changes"): the new node joins the ring and receives its
/// ranges, the old holders then drop the copies they lost (in RocksDB, through the real shell),
/// and removing the node hands its ranges back and stops it — every key stays readable.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class LeaderlessNodeCommandTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "chorus-llnode-" + Guid.NewGuid().ToString("N"));
    private const int Keys = 300;

    [Fact]
    public async Task Node_add_and_remove_move_the_ranges_and_the_old_holders_drop_what_they_lost()
    {
        var basePort = Testing.FreePorts.BaseFor(4);
        using var up = NodeProcess.StartCli(["cluster", "up", "--family", "leaderless", "--nodes", "3", "--port", Text(basePort), "--data", _data]);
        try
        {
            await ProcessCluster.Eventually(() => Task.FromResult(up.Output.Contains("Status: chorus status", StringComparison.Ordinal) || up.HasExited), TimeSpan.FromSeconds(90), "the cluster is up");
            Assert.False(up.HasExited, up.Output);
            for (var i = 0; i < Keys; i++)
            {
                Assert.Equal("OK", (await CommandAsync(basePort + (i % 3), "SET", $"k{i}", $"v{i}")).AsString());
            }

            var (addExit, added) = await NodeProcess.RunCliAsync(TimeSpan.FromMinutes(3), "node", "add", "--data", _data);
            output.WriteLine(added);
            Assert.True(addExit == 0, added);
            Assert.Contains("n4 added to the ring", added, StringComparison.Ordinal);
            Assert.Contains("handover complete", added, StringComparison.Ordinal);
            var n4 = basePort + 3;
            await AssertEveryKeyReadableAsync(n4);
            // The old holders drop what moved to n4 once the handover is over (plus a grace).
            await ProcessCluster.Eventually(async () => await DroppedAsync(basePort) > 0, TimeSpan.FromSeconds(60), "the old holders drop the moved keys");

            var (removeExit, removed) = await NodeProcess.RunCliAsync(TimeSpan.FromMinutes(3), "node", "remove", "n4", "--data", _data);
            output.WriteLine(removed);
            Assert.True(removeExit == 0, removed);
            Assert.Contains("n4 handed its ranges over and was stopped", removed, StringComparison.Ordinal);
            await AssertEveryKeyReadableAsync(basePort);
            await ProcessCluster.Eventually(() => Task.FromResult(Testing.FreePorts.IsFree(n4)), TimeSpan.FromSeconds(30), "n4's process is gone");
        }
        finally
        {
            await up.StopAsync();
            output.WriteLine(up.Output);
        }
    }

    private static async Task AssertEveryKeyReadableAsync(int port)
    {
        for (var i = 0; i < Keys; i++)
        {
            Assert.Equal($"v{i}", (await CommandAsync(port, "GET", $"k{i}")).AsString());
        }
    }

    private static async Task<long> DroppedAsync(int basePort)
    {
        var total = 0L;
        for (var port = basePort; port < basePort + 3; port++)
        {
            var info = ProcessCluster.ParseInfo((await CommandAsync(port, "INFO", "replication")).AsString()!);
            total += long.Parse(info.GetValueOrDefault("leaderless_keys_dropped", "0"), CultureInfo.InvariantCulture);
        }
        return total;
    }

    private static async Task<Resp.RespValue> CommandAsync(int port, params string[] command)
    {
        await using var connection = await RespConnection.ConnectAsync("127.0.0.1", port, TimeSpan.FromSeconds(5), CancellationToken.None);
        return await connection.CommandAsync(CancellationToken.None, command);
    }

    public void Dispose()
    {
        NodeProcessCleanup();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // leftover temp files are harmless
        }
    }

    /// <summary>A node `chorus node add` started outlives a failed test: stop it by its pid file.</summary>
    private void NodeProcessCleanup()
    {
        var pidFile = Path.Combine(_data, "n4.pid");
        if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture, out var pid))
        {
            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(pid);
                process.Kill();
            }
            catch (ArgumentException)
            {
                // already gone
            }
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
