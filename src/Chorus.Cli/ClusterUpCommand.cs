using System.CommandLine;
using System.Diagnostics;
using System.Globalization;

namespace Chorus.Cli;

/// <summary>
/// `chorus cluster up`: a local cluster of separate node processes on loopback ports, data under
/// ./data/&lt;node&gt;. n1 leads. With --family multi-leader, sites s1, s2, ... each with their
/// own leader (see <see cref="SiteLayout"/>). Ctrl+C (or SIGTERM) stops every node cleanly.
/// </summary>
internal static class ClusterUpCommand
{
    public static Command Create()
    {
        var nodes = new Option<int>("--nodes") { Description = "How many nodes (n1 leads).", DefaultValueFactory = _ => 3 };
        var port = new Option<int>("--port") { Description = "RESP port of n1; n2 uses the next one, and so on. Peer ports are +10000, HTTP +20000.", DefaultValueFactory = _ => 7379 };
        var data = new Option<string>("--data") { Description = "Directory holding each node's data directory.", DefaultValueFactory = _ => "data" };
        var fsync = new Option<string>("--fsync") { Description = "always | everysec | no", DefaultValueFactory = _ => "everysec" };
        var family = new Option<string>("--family") { Description = "single-leader | multi-leader (one leader per site; see docs/multi-leader.md) | leaderless (Dynamo-style quorums; any node coordinates).", DefaultValueFactory = _ => "single-leader" };
        var n = new Option<int?>("--n") { Description = "Leaderless: replicas per key (default 3, at most --nodes)." };
        var w = new Option<int?>("--w") { Description = "Leaderless: acknowledgements a write waits for (default 2)." };
        var r = new Option<int?>("--r") { Description = "Leaderless: replies a read waits for (default 2)." };
        var sites = new Option<int>("--sites") { Description = "Multi-leader: how many sites (s1, s2, ...).", DefaultValueFactory = _ => 3 };
        var perSite = new Option<int>("--nodes-per-site") { Description = "Multi-leader: nodes in each site (the first leads it).", DefaultValueFactory = _ => 1 };
        var topology = new Option<string>("--topology") { Description = "Multi-leader: all-to-all | ring | \"star <hub site>\".", DefaultValueFactory = _ => "all-to-all" };
        var policies = new Option<string>("--conflict-policies") { Description = "Multi-leader: pattern=policy;... (lww, siblings, counter or custom:<resolver>, built-in resolvers max and union; first match wins; default lww).", DefaultValueFactory = _ => "" };
        var homes = new Option<string>("--home-sites") { Description = "Multi-leader: pattern=site;... (first match wins): writes to a matching key at any site are made at its home site (default none).", DefaultValueFactory = _ => "" };
        var resolvers = new Option<string>("--resolver-assemblies") { Description = "Multi-leader: assemblies (separated by ';') whose IConflictResolver classes custom:<name> policies may use (default none).", DefaultValueFactory = _ => "" };
        var logFormat = new Option<string>("--log-format")
        {
            Description = "Replication log format of the new cluster: logical (row-based, the default) | statement (the command, re-executed by followers) | physical (each write's storage bytes, WAL shipping). Change it later with CONFIG SET log-format.",
            DefaultValueFactory = _ => "logical",
        };
        var rewrite = new Option<string>("--statement-rewrite")
        {
            Description = "yes: the leader rewrites nondeterministic commands (SPOP, EXPIRE, INCRBYFLOAT...) before logging them; no: logged as sent, so replicas may diverge.",
            DefaultValueFactory = _ => "yes",
        };
        var up = new Command("up", "Start a local cluster of separate node processes.") { nodes, port, data, fsync, logFormat, rewrite, family, n, w, r, sites, perSite, topology, policies, homes, resolvers };
        up.SetAction((result, cancellationToken) =>
        {
            var familyName = result.GetValue(family)!;
            var isMulti = familyName.Equals("multi-leader", StringComparison.OrdinalIgnoreCase);
            if (!isMulti && !familyName.Equals("single-leader", StringComparison.OrdinalIgnoreCase) && !familyName.Equals("leaderless", StringComparison.OrdinalIgnoreCase))
            {
                Console.Error.WriteLine($"chorus cluster up: unknown --family '{familyName}' (known: single-leader, multi-leader, leaderless)");
                return Task.FromResult(2);
            }
            var layout = isMulti
                ? SiteLayout.Describe(result.GetValue(sites), result.GetValue(perSite), result.GetValue(port), result.GetValue(data)!, result.GetValue(topology)!, result.GetValue(policies)!, result.GetValue(resolvers)!, result.GetValue(homes)!)
                : null;
            var quorum = QuorumArguments(result.GetValue(n), result.GetValue(w), result.GetValue(r));
            return RunAsync(result.GetValue(nodes), result.GetValue(port), result.GetValue(data)!,
                new NodeFlags(result.GetValue(fsync)!, result.GetValue(logFormat)!, result.GetValue(rewrite)!, familyName, quorum), layout, cancellationToken);
        });
        return new Command("cluster", "Manage a local cluster.") { up };
    }

    /// <summary>Settings `cluster up` passes to every node it starts (a multi-leader site's come from its <see cref="SiteLayout"/>).</summary>
    private sealed record NodeFlags(string Fsync, string LogFormat, string StatementRewrite, string Family, IReadOnlyList<string> Quorum)
    {
        public bool IsLeaderless => Family.Equals("leaderless", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The leaderless quorum flags given (--n, --w, --r); nodes use their defaults for the rest.</summary>
    private static List<string> QuorumArguments(int? n, int? w, int? r)
    {
        var arguments = new List<string>();
        foreach (var (flag, value) in new[] { ("--n", n), ("--w", w), ("--r", r) })
        {
            if (value is { } given)
            {
                arguments.AddRange([flag, Text(given)]);
            }
        }
        return arguments;
    }

    private static async Task<int> RunAsync(int count, int basePort, string dataRoot, NodeFlags flags, SiteLayout? sites, CancellationToken cancellationToken)
    {
        if (sites?.Error is { } error)
        {
            await Console.Error.WriteLineAsync($"chorus cluster up: {error}");
            return 2;
        }
        if (sites is null && count is < 1 or > 9)
        {
            await Console.Error.WriteLineAsync("chorus cluster up: --nodes must be between 1 and 9");
            return 2;
        }
        if (LogFormatProblem(flags) is { } problem)
        {
            await Console.Error.WriteLineAsync($"chorus cluster up: {problem}");
            return 2;
        }
        Directory.CreateDirectory(dataRoot);
        var cluster = sites?.Cluster ?? Describe(count, basePort, dataRoot) with { Family = flags.Family, NodeSettings = ["--fsync", flags.Fsync, .. flags.Quorum] };
        cluster.Save(dataRoot);
        // Peers authenticate each other with certificates from a CA of this cluster's own.
        CertCommand.Issue(PeerCertificates(dataRoot), [.. cluster.Members.Select(m => m.Id)], [], Console.Out);
        using var stop = new ShutdownSignal(cancellationToken);
        IEnumerable<string> Arguments(ClusterFile.Member member) => sites?.ServeArguments(member, flags.Fsync) ?? ServeArguments(cluster, member, flags);
        var children = cluster.Members.Select(m => ChildNode.Start(m.Id, Arguments(m), Console.Out)).ToList();
        try
        {
            if (sites is not null)
            {
                await sites.WaitUntilReadyAsync(children, stop.Token);
                sites.PrintEndpoints();
                return await SuperviseAsync(cluster, children, Arguments, stop.Token);
            }
            var leader = flags.IsLeaderless ? await WaitUntilPeersSeeEachOtherAsync(cluster, children, stop.Token) : await WaitUntilReadyAsync(cluster, children, stop.Token);
            PrintEndpoints(cluster, leader);
            return await SuperviseAsync(cluster, children, Arguments, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsRequested)
        {
            Console.WriteLine("stopping every node...");
            return 0;
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            // A node that exits at startup (bad settings, a port in use) has printed why above.
            await Console.Error.WriteLineAsync($"chorus cluster up: {e.Message}");
            return 1;
        }
        finally
        {
            await Task.WhenAll(children.Select(c => c.StopAsync(TimeSpan.FromSeconds(15))));
            children.ForEach(c => c.Dispose());
            Console.WriteLine("all nodes stopped");
        }
    }

    /// <summary>
    /// Killing a node is how people watch a failover, so a node that dies is restarted after a
    /// pause (it rejoins as a follower) while the others carry on; only a node that cannot stay
    /// up (it dies again within seconds of its restart) stops the cluster.
    /// </summary>
    private static async Task<int> SuperviseAsync(ClusterFile cluster, List<ChildNode> children, Func<ClusterFile.Member, IEnumerable<string>> arguments, CancellationToken cancellationToken)
    {
        var restarted = new Dictionary<string, Stopwatch>();
        while (true)
        {
            await await Task.WhenAny(children.Select(c => c.WaitForExitAsync(cancellationToken)));
            var dead = children.First(c => c.HasExited);
            if (restarted.TryGetValue(dead.Id, out var since) && since.Elapsed < StayUpAtLeast)
            {
                await Console.Error.WriteLineAsync($"node {dead.Id} exited with code {dead.ExitCode} within {StayUpAtLeast.TotalSeconds:0} s of its restart; stopping the cluster");
                return 1;
            }
            await Console.Error.WriteLineAsync($"node {dead.Id} exited with code {dead.ExitCode}; the others carry on (electing a new leader if it led). Restarting it in {RestartAfter.TotalSeconds:0} s.");
            await Task.Delay(RestartAfter, cancellationToken);
            var member = cluster.Members.First(m => m.Id == dead.Id);
            children[children.IndexOf(dead)] = ChildNode.Start(member.Id, arguments(member), Console.Out);
            dead.Dispose();
            restarted[dead.Id] = Stopwatch.StartNew();
        }
    }

    /// <summary>A bad --log-format or --statement-rewrite, found before any node starts.</summary>
    private static string? LogFormatProblem(NodeFlags flags)
    {
        try
        {
            _ = new Server.Configuration.ChorusOptions { LogFormat = flags.LogFormat, StatementRewrite = flags.StatementRewrite }.LogFormatSetting;
            return null;
        }
        catch (Server.Configuration.ConfigurationError e)
        {
            return e.Message;
        }
    }

    private static readonly TimeSpan RestartAfter = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan StayUpAtLeast = TimeSpan.FromSeconds(10);

    private static ClusterFile Describe(int count, int basePort, string dataRoot) =>
        new("n1", [.. Enumerable.Range(1, count).Select(i => new ClusterFile.Member(
            $"n{i}", "127.0.0.1", basePort + i - 1, basePort + i - 1 + 10000, basePort + i - 1 + 20000, Path.Combine(dataRoot, $"n{i}")))]);

    private static IEnumerable<string> ServeArguments(ClusterFile cluster, ClusterFile.Member member, NodeFlags flags) =>
    [
        "--id", member.Id,
        "--host", member.Host,
        "--port", Text(member.Port),
        "--peer-port", Text(member.PeerPort),
        "--http-port", Text(member.HttpPort),
        "--data", member.DataDir,
        "--leader", cluster.Leader,
        "--fsync", flags.Fsync,
        "--log-format", flags.LogFormat,
        "--statement-rewrite", flags.StatementRewrite,
        "--peers", string.Join(',', cluster.Members.Select(m => $"{m.Id}={m.Host}:{Text(m.PeerPort)}")),
        "--peer-tls-dir", PeerCertificates(Path.GetDirectoryName(member.DataDir) ?? "."),
        "--family", flags.Family,
        .. flags.Quorum,
    ];

    /// <summary>Where `cluster up` keeps the development CA and node certificates for mutual TLS between peers.</summary>
    internal static string PeerCertificates(string dataRoot) => Path.Combine(dataRoot, "certs", "peers");

    /// <summary>Every node answers PING and the leader sees every follower streaming.</summary>
    private static async Task<string> WaitUntilReadyAsync(ClusterFile cluster, List<ChildNode> children, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (children.Any(c => c.HasExited))
            {
                throw new InvalidOperationException("a node exited during startup; see its output above");
            }
            // The configured leader stands first, but after a restart another node may win.
            var leader = await cluster.FindLeaderAsync(cancellationToken);
            var info = leader is null ? null : await NodeInfo.TryFetchAsync(leader.Host, leader.Port, cancellationToken);
            if (info is not null && info.GetValueOrDefault("connected_slaves") == Text(cluster.Members.Count - 1))
            {
                return leader!.Id;
            }
            await Task.Delay(100, cancellationToken);
        }
        throw new TimeoutException("the cluster did not come up within 60 seconds");
    }

    /// <summary>Leaderless: every node answers and sees every other node up (there is no leader to wait for).</summary>
    private static async Task<string> WaitUntilPeersSeeEachOtherAsync(ClusterFile cluster, List<ChildNode> children, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var others = Text(cluster.Members.Count - 1);
        while (DateTime.UtcNow < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (children.Any(c => c.HasExited))
            {
                throw new InvalidOperationException("a node exited during startup; see its output above");
            }
            var ready = true;
            foreach (var member in cluster.Members)
            {
                var info = await NodeInfo.TryFetchAsync(member.Host, member.Port, cancellationToken);
                ready &= info?.GetValueOrDefault("leaderless_peers_heard") == others;
            }
            if (ready)
            {
                return "";
            }
            await Task.Delay(100, cancellationToken);
        }
        throw new TimeoutException("the cluster did not come up within 60 seconds");
    }

    private static void PrintEndpoints(ClusterFile cluster, string leader)
    {
        Console.WriteLine();
        Console.WriteLine(leader.Length == 0
            ? $"Chorus leaderless cluster is up: {cluster.Members.Count} nodes; any node coordinates reads and writes."
            : $"Chorus cluster is up: {cluster.Members.Count} nodes, leader {leader}.");
        foreach (var member in cluster.Members)
        {
            var role = leader.Length == 0 ? "peer    " : member.Id == leader ? "leader  " : "follower";
            Console.WriteLine($"  {member.Id}  {role}  redis-cli -p {member.Port}    dashboard http://{member.Host}:{member.HttpPort}/    metrics http://{member.Host}:{member.HttpPort}/metrics");
        }
        if (cluster.Members.FirstOrDefault(m => m.Id == leader) is { } leading)
        {
            Console.WriteLine($"Dashboard: http://{leading.Host}:{leading.HttpPort}/ (every node serves one; the leader's shows every follower's lag)");
        }
        Console.WriteLine("Status: chorus status    Stop: Ctrl+C");
        Console.WriteLine();
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
