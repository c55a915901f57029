using System.Globalization;

namespace Chorus.Cli;

/// <summary>
/// A local multi-leader cluster: sites s1..sN, each with nodes s&lt;i&gt;n1..n&lt;k&gt; on consecutive
/// loopback ports (s1n1 on --port), the first node of each site its preferred leader.
/// </summary>
internal sealed class SiteLayout
{
    private readonly string _topology;
    private readonly string _policies;
    private readonly string _resolverAssemblies;
    private readonly string _homes;
    private readonly string _peerCertificates;

    private SiteLayout(ClusterFile cluster, string topology, string policies, string resolverAssemblies, string homes, string peerCertificates, string? error)
    {
        _homes = homes;
        Cluster = cluster;
        _topology = topology;
        _policies = policies;
        _resolverAssemblies = resolverAssemblies;
        _peerCertificates = peerCertificates;
        Error = error;
    }

    public ClusterFile Cluster { get; }

    /// <summary>Why the layout cannot run (bad counts), or null.</summary>
    public string? Error { get; }

    public static SiteLayout Describe(int sites, int perSite, int basePort, string dataRoot, string topology, string policies, string resolverAssemblies, string homes)
    {
        var error = sites is < 2 or > 9 ? "--sites must be between 2 and 9"
            : perSite is < 1 or > 5 ? "--nodes-per-site must be between 1 and 5"
            : null;
        var members = new List<ClusterFile.Member>();
        for (var s = 1; s <= Math.Clamp(sites, 2, 9); s++)
        {
            for (var n = 1; n <= Math.Clamp(perSite, 1, 5); n++)
            {
                var port = basePort + members.Count;
                var id = $"s{s}n{n}";
                members.Add(new ClusterFile.Member(id, "127.0.0.1", port, port + 10000, port + 20000, Path.Combine(dataRoot, id), $"s{s}"));
            }
        }
        // Nodes may resolve relative paths from another directory: hand them absolute ones.
        var assemblies = string.Join(';', resolverAssemblies.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Path.GetFullPath));
        return new SiteLayout(new ClusterFile(members[0].Id, members), topology, policies, assemblies, homes, ClusterUpCommand.PeerCertificates(dataRoot), error);
    }

    private IEnumerable<IGrouping<string, ClusterFile.Member>> Sites => Cluster.Members.GroupBy(m => m.Site!);

    public IEnumerable<string> ServeArguments(ClusterFile.Member member, string fsync)
    {
        string[] common =
        [
            "--id", member.Id,
            "--host", member.Host,
            "--port", Text(member.Port),
            "--peer-port", Text(member.PeerPort),
            "--http-port", Text(member.HttpPort),
            "--data", member.DataDir,
            "--fsync", fsync,
            "--family", "multi-leader",
            "--site", member.Site!,
            "--leader", Sites.First(s => s.Key == member.Site).First().Id,
            "--topology", _topology,
            "--peers", string.Join(',', Cluster.Members.Select(m => $"{m.Id}={m.Host}:{Text(m.PeerPort)}")),
            "--peer-tls-dir", _peerCertificates,
        ];
        var policies = string.IsNullOrEmpty(_policies) ? [] : new[] { $"--ConflictPolicies={_policies}" };
        var homes = string.IsNullOrEmpty(_homes) ? [] : new[] { $"--HomeSites={_homes}" };
        var resolvers = string.IsNullOrEmpty(_resolverAssemblies) ? [] : new[] { "--resolver-assemblies", _resolverAssemblies };
        return [.. common, .. policies, .. homes, .. resolvers, .. Sites.Select(s => $"--Sites:{s.Key}={string.Join(',', s.Select(m => m.Id))}")];
    }

    /// <summary>Every node answers, and every site has a leader that has loaded its site's changes.</summary>
    public async Task WaitUntilReadyAsync(List<ChildNode> children, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (children.Any(c => c.HasExited))
            {
                throw new InvalidOperationException("a node exited during startup; see its output above");
            }
            var ready = 0;
            foreach (var site in Sites)
            {
                foreach (var member in site)
                {
                    var role = await NodeInfo.TryFetchAsync(member.Host, member.Port, cancellationToken);
                    var sites = await NodeInfo.TryFetchAsync(member.Host, member.Port, cancellationToken, "sites");
                    if (role?.GetValueOrDefault("chorus_role") == "leader" && sites?.GetValueOrDefault("site_loaded") == "1")
                    {
                        ready++;
                        break;
                    }
                }
            }
            if (ready == Sites.Count())
            {
                return;
            }
            await Task.Delay(100, cancellationToken);
        }
        throw new TimeoutException("the sites did not come up within 60 seconds");
    }

    public void PrintEndpoints()
    {
        Console.WriteLine();
        Console.WriteLine($"Chorus multi-leader cluster is up: {Sites.Count()} sites ({_topology}), {Cluster.Members.Count} nodes. Every site leader takes writes.");
        foreach (var member in Cluster.Members)
        {
            Console.WriteLine($"  {member.Site}  {member.Id}  redis-cli -p {member.Port}    metrics http://{member.Host}:{member.HttpPort}/metrics");
        }
        Console.WriteLine("Sites and links: redis-cli -p <port> CHORUS.SITES    Cut a link: CHORUS.LINK CUT s2    Conflicts: CHORUS.CONFLICTS");
        Console.WriteLine("Status: chorus status    Stop: Ctrl+C");
        Console.WriteLine();
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
