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
