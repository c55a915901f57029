using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Chorus.Cli.Tests.Support;
using Chorus.Client;

namespace Chorus.Cli.Tests;

/// <summary>
/// `chorus cluster up`, the README's first command, as a user runs it: three node processes, a
/// write on the leader read on a follower, a killed node restarted while the others carry on,
/// and SIGTERM (Ctrl+C) stopping every node cleanly.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class ClusterUpTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "chorus-up-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Cluster_up_serves_replicates_restarts_a_killed_node_and_stops_cleanly()
    {
        var basePort = FreeBasePort();
        var lines = new List<string>();
        using var up = StartClusterUp(lines, "--port", Text(basePort), "--data", _data);
        try
        {
            // Output lines arrive one event at a time, so the banner's first line can be seen
            // before the node lines under it: wait for its last line.
            await ProcessCluster.Eventually(() => Task.FromResult(Seen(lines, "Chorus cluster is up") && Seen(lines, "Status: chorus status")), TimeSpan.FromSeconds(60), "the cluster is up");
            var leaderLine = Snapshot(lines).First(l => l.Contains(" leader ", StringComparison.Ordinal) && l.Contains("redis-cli -p", StringComparison.Ordinal));
            var leaderPort = int.Parse(leaderLine.Split("redis-cli -p ")[1].Split(' ')[0], CultureInfo.InvariantCulture);
            var followerPort = Enumerable.Range(basePort, 3).First(p => p != leaderPort);
            // The printed dashboard address serves the page (docs/dashboard.md).
            var dashboard = leaderLine.Split("dashboard ")[1].Split(' ')[0];
            using (var http = new HttpClient())
            {
                Assert.Contains("Chorus dashboard", await http.GetStringAsync(new Uri(dashboard), TestContext.Current.CancellationToken), StringComparison.Ordinal);
            }
            Assert.Equal("OK", (await CommandAsync(leaderPort, "SET", "greeting", "hello")).AsString());
            await ProcessCluster.Eventually(async () => (await CommandAsync(followerPort, "GET", "greeting")).AsString() == "hello",
                TimeSpan.FromSeconds(60), "the follower has the write");
            // Issue 17: the default cluster up authenticates its peers (mutual TLS), with nothing for the user to do.
            output.WriteLine(await PeerPortProbe.AssertRefusesCallersWithoutCertificateAsync(leaderPort + 10000, $"n{Text(followerPort - basePort + 1)}"));
            Assert.Equal(0, (await CommandAsync(leaderPort, "EXISTS", PeerPortProbe.ForgedKey)).AsInteger());

            var victim = Process.GetProcessesByName("dotnet")
                .First(p => CommandLine(p) is var line && line.Contains(" serve ", StringComparison.Ordinal) && line.Contains($"--port {Text(followerPort)} ", StringComparison.Ordinal));
            victim.Kill();
            await ProcessCluster.Eventually(() => Task.FromResult(Seen(lines, "Restarting it in")), TimeSpan.FromSeconds(30), "cluster up notices the dead node");
            Assert.Equal("OK", (await CommandAsync(leaderPort, "SET", "while-down", "yes")).AsString());
            await ProcessCluster.Eventually(async () => await TryGetAsync(followerPort, "while-down") == "yes",
                TimeSpan.FromSeconds(60), "the restarted node catches up");
            Assert.False(up.HasExited, "the cluster keeps running when one node dies");
        }
        finally
        {
            await StopAsync(up, lines);
        }
        Assert.Equal(0, up.ExitCode);
        Assert.True(Seen(lines, "all nodes stopped"));
    }

    /// <summary>
    /// Issue 17 asks that the default `cluster up` authenticates its peers; with sites it did not
    /// (site nodes were started without the certificates it had issued). Now site links use mutual
    /// TLS: writes travel between sites, and a plain HTTP/2 caller is refused before any service.
    /// </summary>
    [Fact]
    public async Task Cluster_up_with_sites_links_them_with_mutual_tls()
    {
        var basePort = FreeBasePort();
        var lines = new List<string>();
        using var up = StartClusterUp(lines, "--family", "multi-leader", "--sites", "2", "--port", Text(basePort), "--data", _data);
        try
        {
            await ProcessCluster.Eventually(() => Task.FromResult(Seen(lines, "multi-leader cluster is up") || up.HasExited), TimeSpan.FromSeconds(90), "the sites are up");
            Assert.False(up.HasExited, "cluster up exited while starting the sites");
            Assert.Equal("OK", (await CommandAsync(basePort, "SET", "greeting", "from s1")).AsString());
            await ProcessCluster.Eventually(async () => await TryGetAsync(basePort + 1, "greeting") == "from s1", TimeSpan.FromSeconds(30), "s2 has s1's write");

            output.WriteLine(await PeerPortProbe.AssertRefusesCallersWithoutCertificateAsync(basePort + 10000, "s2n1"));
            Assert.Equal(0, (await CommandAsync(basePort, "EXISTS", PeerPortProbe.ForgedKey)).AsInteger());
        }
        finally
        {
            await StopAsync(up, lines);
        }
        Assert.Equal(0, up.ExitCode);
    }

    /// <summary>
    /// `--resolver-assemblies` reaches every site (a missing assembly stops the sites at start),
    /// and `cluster up` then says why in one line and exits with 1, not with a stack trace.
    /// </summary>
    [Fact]
    public async Task Cluster_up_passes_resolver_assemblies_to_sites_and_reports_a_site_that_cannot_start()
    {
        var lines = new List<string>();
        var missing = Path.Combine(_data, "no-such-resolvers.dll");
        using var up = StartClusterUp(lines, "--family", "multi-leader", "--sites", "2", "--port", Text(FreeBasePort()), "--data", _data,
            "--conflict-policies", "doc:*=custom:mine", "--resolver-assemblies", missing);
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90)))
        {
            await up.WaitForExitAsync(timeout.Token);
        }
        output.WriteLine(string.Join('\n', Snapshot(lines).TakeLast(40)));
        Assert.Equal(1, up.ExitCode);
        Assert.True(Seen(lines, $"could not load '{missing}'"), "a site names the assembly it could not load");
        Assert.True(Seen(lines, "chorus cluster up: a node exited during startup"));
        Assert.False(Seen(lines, "Unhandled exception"));
    }

    private static Process StartClusterUp(List<string> lines, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { NodeProcess.ChorusPath, "cluster", "up" }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }
        var up = Process.Start(start)!;
        up.OutputDataReceived += (_, e) => Keep(lines, e.Data);
        up.ErrorDataReceived += (_, e) => Keep(lines, e.Data);
        up.BeginOutputReadLine();
        up.BeginErrorReadLine();
        return up;
    }

    private async Task StopAsync(Process up, List<string> lines)
    {
        if (!up.HasExited)
        {
            _ = NodeProcess.Signal(up.Id, 15);
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await up.WaitForExitAsync(timeout.Token);
        output.WriteLine(string.Join('\n', Snapshot(lines).TakeLast(40)));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // leftover temp files are harmless
        }
    }

    private static async Task<Resp.RespValue> CommandAsync(int port, params string[] command)
    {
        await using var connection = await RespConnection.ConnectAsync("127.0.0.1", port, TimeSpan.FromSeconds(5), CancellationToken.None);
        return await connection.CommandAsync(CancellationToken.None, command);
    }

    private static async Task<string?> TryGetAsync(int port, string key)
    {
        try
        {
            return (await CommandAsync(port, "GET", key)).AsString();
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            return null;
        }
    }

    private static string CommandLine(Process process)
    {
        try
        {
            return File.ReadAllText($"/proc/{process.Id}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static int FreeBasePort() => Testing.FreePorts.BaseFor(3);

    private static void Keep(List<string> lines, string? line)
    {
        if (line is not null)
        {
            lock (lines)
            {
                lines.Add(line);
            }
        }
    }

    private static List<string> Snapshot(List<string> lines)
    {
        lock (lines)
        {
            return [.. lines];
        }
    }

    private static bool Seen(List<string> lines, string text) => Snapshot(lines).Any(l => l.Contains(text, StringComparison.Ordinal));

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
