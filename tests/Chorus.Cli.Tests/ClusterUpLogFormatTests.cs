using System.Globalization;
using Chorus.Cli.Tests.Support;
using Chorus.Client;

namespace Chorus.Cli.Tests;

/// <summary>
/// Issue 13, "chosen when the cluster is created (`chorus cluster up --log-format X`) … shown in
/// INFO and `chorus status`" (docs/log-formats.md): the flag reaches the nodes `cluster up`
/// starts, and an unknown format is refused before any node starts. One node keeps it cheap.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class ClusterUpLogFormatTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Cluster_up_with_a_log_format_starts_a_cluster_that_shows_it_in_info_and_status()
    {
        var data = Directory.CreateTempSubdirectory("chorus-up-format-").FullName;
        var port = Testing.FreePorts.BaseFor(1);
        using var up = NodeProcess.StartCli(["cluster", "up", "--nodes", "1", "--port", Text(port), "--data", data, "--log-format", "statement"]);
        try
        {
            await ProcessCluster.Eventually(() => Task.FromResult(up.Output.Contains("Status: chorus status", StringComparison.Ordinal) || up.HasExited), TimeSpan.FromSeconds(60), "the cluster is up");
            Assert.False(up.HasExited, "cluster up exited while starting");
            await using (var connection = await RespConnection.ConnectAsync("127.0.0.1", port, TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken))
            {
                Assert.Equal("OK", (await connection.CommandAsync(TestContext.Current.CancellationToken, "SET", "k", "v")).AsString());
                var info = ProcessCluster.ParseInfo((await connection.CommandAsync(TestContext.Current.CancellationToken, "INFO", "replication")).AsString()!);
                Assert.Equal("statement", info["chorus_log_format"]);
            }
            var (exit, status) = await NodeProcess.RunCliAsync(TimeSpan.FromSeconds(60), "status", "--data", data);
            output.WriteLine(status);
            Assert.Equal(0, exit);
            Assert.Contains("; log format statement", status, StringComparison.Ordinal);
        }
        finally
        {
            await up.StopAsync();
            output.WriteLine(up.Output);
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Cluster_up_refuses_an_unknown_log_format_before_starting_any_node()
    {
        var data = Path.Combine(Path.GetTempPath(), "chorus-up-format-" + Guid.NewGuid().ToString("N"));
        var (exit, text) = await NodeProcess.RunCliAsync(TimeSpan.FromSeconds(60), "cluster", "up", "--nodes", "1", "--port", Text(Testing.FreePorts.BaseFor(1)), "--data", data, "--log-format", "binlog");
        Assert.Equal(2, exit);
        Assert.Contains("chorus cluster up: LogFormat must be statement, physical or logical, not 'binlog'", text, StringComparison.Ordinal);
        Assert.False(Directory.Exists(data), "nothing was created");
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
