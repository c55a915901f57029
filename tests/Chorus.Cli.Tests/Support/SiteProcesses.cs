using System.Globalization;
using Chorus.Client;
using Chorus.Resp;

namespace Chorus.Cli.Tests.Support;

/// <summary>
/// A multi-leader cluster of real node processes on loopback: sites s1..sN with one node each
/// (s1n1, s2n1, ...), every one a site leader that takes writes.
/// </summary>
internal sealed class SiteProcesses : IAsyncDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "chorus-sites-" + Guid.NewGuid().ToString("N"));
    private readonly List<NodeProcess> _processes = [];

    private SiteProcesses(int sites) =>
        Sites = [.. Enumerable.Range(1, sites).Select(i => new Site($"s{i}", $"s{i}n1", ProcessCluster.FreePort(), ProcessCluster.FreePort(), ProcessCluster.FreePort()))];

    public sealed record Site(string Id, string Node, int Port, int PeerPort, int HttpPort);

    public IReadOnlyList<Site> Sites { get; }

    public Site this[string site] => Sites.Single(s => s.Id == site);

    public string DataDir(string site) => Path.Combine(_root, this[site].Node);

    /// <summary>Starts every site and waits until each one leads itself and hears from every other site.</summary>
    public static async Task<SiteProcesses> StartAsync(int sites = 3, params string[] arguments)
    {
        var cluster = new SiteProcesses(sites);
        foreach (var site in cluster.Sites)
        {
            cluster._processes.Add(NodeProcess.Start(
            [
                "--id", site.Node,
                "--port", Text(site.Port),
                "--peer-port", Text(site.PeerPort),
                "--http-port", Text(site.HttpPort),
                "--data", Path.Combine(cluster._root, site.Node),
                "--family", "multi-leader",
                "--site", site.Id,
                "--leader", site.Node,
                "--peers", string.Join(',', cluster.Sites.Select(s => $"{s.Node}=127.0.0.1:{Text(s.PeerPort)}")),
                .. cluster.Sites.Select(s => $"--Sites:{s.Id}={s.Node}"),
                // Site links authenticate each other with mutual TLS, as peers do by default.
                "--peer-tls-dir", ProcessCluster.PeerCertificates(cluster._root, site.Node),
                .. arguments,
            ]));
        }
        try
        {
            foreach (var site in cluster.Sites)
            {
                await ProcessCluster.Eventually(
                    async () =>
                    {
                        // A node that exited at startup (bad settings, a port in use) will never come up: say so now, not after the deadline.
                        var exited = cluster._processes.FindIndex(p => p.HasExited);
                        if (exited >= 0)
                        {
                            throw new NodeExitedException($"{cluster.Sites[exited].Node} exited while the sites were starting");
                        }
                        return await cluster.LinksUpAsync(site.Id);
                    },
                    TimeSpan.FromSeconds(90),
                    $"{site.Id} leads and hears from every other site");
            }
        }
        catch (Exception e) when (e is TimeoutException or NodeExitedException)
        {
            var outputs = string.Join("\n", cluster.Sites.Select((s, i) => $"--- {s.Node} ---\n{cluster._processes[i].Output}"));
            await cluster.DisposeAsync();
            throw new InvalidOperationException($"{e.Message}\n{outputs}", e);
        }
        return cluster;
    }

    public async Task<RespValue> CommandAsync(string site, params string[] command)
    {
        await using var connection = await RespConnection.ConnectAsync("127.0.0.1", this[site].Port, TimeSpan.FromSeconds(5), CancellationToken.None);
        return await connection.CommandAsync(CancellationToken.None, command);
    }

    public async Task<Dictionary<string, string>> InfoAsync(string site, string section)
    {
        var reply = await CommandAsync(site, "INFO", section);
        return ProcessCluster.ParseInfo(reply.AsString()!);
    }

    /// <summary>Waits until every site returns <paramref name="expected"/> for GET <paramref name="key"/>.</summary>
    public async Task WaitForValueAsync(string key, string? expected)
    {
        foreach (var site in Sites)
        {
            await ProcessCluster.Eventually(async () => (await CommandAsync(site.Id, "GET", key)).AsString() == expected, TimeSpan.FromSeconds(60), $"{site.Id} reads {key}={expected ?? "(nil)"}");
        }
    }

    private async Task<bool> LinksUpAsync(string site)
    {
        try
        {
            var info = await InfoAsync(site, "sites");
            return info.GetValueOrDefault("site_loaded") == "1"
                && info.Where(p => p.Key.StartsWith("link", StringComparison.Ordinal)).All(p => p.Value.Contains("state=up", StringComparison.Ordinal));
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await NodeProcess.StopAllAsync(_processes);
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A process that has not let go of a file yet: the temporary folder is cleaned up later.
        }
    }

    private sealed class NodeExitedException(string message) : Exception(message);

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
