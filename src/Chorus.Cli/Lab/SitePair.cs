using Chorus.Cli.Lab.Scenarios;

namespace Chorus.Cli.Lab;

/// <summary>
/// Two multi-leader sites for a lab run, s1 and s2, one node each (s1n1, s2n1), linked
/// all-to-all, every key under one conflict policy; and the fault between them: the link cut on
/// both sides (CHORUS.LINK CUT), then healed.
/// </summary>
internal static class SitePair
{
    public static readonly string[] Sites = ["s1", "s2"];

    public static readonly string[] Nodes = [.. Sites.Select(s => $"{s}n1")];

    public static Task<LabCluster> StartAsync(string policy, string logPath, CancellationToken cancellationToken) =>
        LabCluster.StartAsync(Nodes, member => Flags(member, policy), WaitForSitesAsync, logPath, cancellationToken);

    /// <summary>
    /// The fault both site scenarios run: the clients <paramref name="startClients"/> starts work
    /// for 1.5 s, the link is cut, they go on for 3 s, they stop (so each site's last writes are
    /// concurrent with the other's), and the link heals. Returns when the cut began.
    /// </summary>
    public static async Task<long> CutWhileClientsRunAsync(LabCluster cluster, LabRecorder recorder, Func<CancellationToken, IReadOnlyList<Task>> startClients, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var clients = startClients(stop.Token);
        long cutUs;
        try
        {
            await LabLoop.HoldAsync(1500, cancellationToken);
            await LinkAsync(cluster, "CUT");
            cutUs = recorder.NowUs;
            await LabLoop.HoldAsync(3000, cancellationToken);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(clients);
        }
        await LinkAsync(cluster, "HEAL");
        recorder.Fault("link s1–s2 cut", cutUs);
        return cutUs;
    }

    /// <summary>CUT or HEAL the link between the two sites, at both ends.</summary>
    public static async Task LinkAsync(LabCluster cluster, string action)
    {
        foreach (var (node, other) in new[] { ("s1n1", "s2"), ("s2n1", "s1") })
        {
            var reply = await cluster.CommandAsync(node, CancellationToken.None, "CHORUS.LINK", action, other);
            if (reply.IsError)
            {
                throw new InvalidOperationException($"CHORUS.LINK {action} {other} at {node}: {reply.AsString()}");
            }
        }
    }

    /// <summary>
    /// Reads what each site shows (<paramref name="read"/>: node id → its reading) once the sites
    /// have exchanged every change: every site reports the same frontier (each has delivered every
    /// change of the others) with none held back, the same before and after the reading, and the
    /// readings <paramref name="agree"/>. Equal readings alone do not mean the sites healed: right
    /// after the heal each still shows only its own view, and two views can be equal by chance
    /// (two counters incremented as often during the cut at each site) though neither holds the
    /// other's changes yet. Past 60 s returns the last reading: the convergence checker reports it.
    /// </summary>
    public static async Task<Dictionary<string, T>> ReadOnceExchangedAsync<T>(LabCluster cluster, Func<string, Task<T>> read, Func<IReadOnlyCollection<T>, bool> agree, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var before = await FrontiersAsync(cluster, cancellationToken);
            var readings = new Dictionary<string, T>(StringComparer.Ordinal);
            foreach (var member in cluster.Members)
            {
                readings[member.Id] = await read(member.Id);
            }
            var after = await FrontiersAsync(cluster, cancellationToken);
            if ((Exchanged(before, after) && agree(readings.Values)) || DateTime.UtcNow > deadline)
            {
                return readings;
            }
            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>
    /// Whether two readings of the sites' INFO (<c>site_frontier</c> and <c>site_held_back</c>, one
    /// entry per site, null where a site did not answer) show every change delivered everywhere and
    /// nothing moving between them.
    /// </summary>
    public static bool Exchanged(IReadOnlyList<(string Frontier, string HeldBack)>? before, IReadOnlyList<(string Frontier, string HeldBack)>? after) =>
        before is not null && after is not null && before.SequenceEqual(after)
        && after.All(site => site.Frontier == after[0].Frontier && site.HeldBack == "0");

    /// <summary>Each site's <c>site_frontier</c> and <c>site_held_back</c> (INFO sites), in member order; null when a site did not answer.</summary>
    public static async Task<IReadOnlyList<(string Frontier, string HeldBack)>?> FrontiersAsync(LabCluster cluster, CancellationToken cancellationToken)
    {
        var sites = new List<(string, string)>();
        foreach (var member in cluster.Members)
        {
            var info = await NodeInfo.TryFetchAsync(member.Host, member.Port, cancellationToken, "sites");
            if (info?.GetValueOrDefault("site_frontier") is not { } frontier || info.GetValueOrDefault("site_held_back") is not { } held)
            {
                return null;
            }
            sites.Add((frontier, held));
        }
        return sites;
    }

    private static IReadOnlyList<string> Flags(ClusterFile.Member member, string policy) =>
    [
        "--family", "multi-leader",
        "--site", member.Id[..2],
        "--leader", member.Id,
        "--topology", "all-to-all",
        $"--ConflictPolicies=*={policy}",
        .. Sites.Select(s => $"--Sites:{s}={s}n1"),
    ];

    private static async Task WaitForSitesAsync(LabCluster cluster, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            cluster.ThrowIfANodeExited();
            var ready = 0;
            foreach (var member in cluster.Members)
            {
                var role = await NodeInfo.TryFetchAsync(member.Host, member.Port, cancellationToken);
                var sites = await NodeInfo.TryFetchAsync(member.Host, member.Port, cancellationToken, "sites");
                ready += role?.GetValueOrDefault("chorus_role") == "leader" && sites?.GetValueOrDefault("site_loaded") == "1" ? 1 : 0;
            }
            if (ready == cluster.Members.Count)
            {
                return;
            }
            await Task.Delay(100, cancellationToken);
        }
        throw new TimeoutException("the sites did not come up within 90 s");
    }
}
