using System.CommandLine;
using System.Diagnostics;
using System.Globalization;

namespace Chorus.Cli;

/// <summary>
/// `chorus node add` / `chorus node remove`: grow or shrink the local cluster described by the
/// cluster file. A new node joins as a learner, loads a snapshot from the leader, streams the
/// log from there, and is promoted to a voting follower once caught up; progress is shown live.
/// </summary>
internal static class NodeCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Where `cluster up` keeps its data.", DefaultValueFactory = _ => "data" };
        var id = new Option<string?>("--id") { Description = "The new node's id (default: the next nK)." };
        var port = new Option<int?>("--port") { Description = "The new node's RESP port (default: the next free one after the others)." };
        var add = new Command("add", "Add a node: it joins as a learner from a snapshot and becomes a voting follower once caught up.") { data, id, port };
        add.SetAction((r, ct) => AddAsync(r.GetValue(data)!, r.GetValue(id), r.GetValue(port), ct));

        var removeData = new Option<string>("--data") { Description = "Where `cluster up` keeps its data.", DefaultValueFactory = _ => "data" };
        var removeId = new Argument<string>("id") { Description = "The node to remove." };
        var remove = new Command("remove", "Remove a node from the cluster (through the log) and stop it.") { removeData, removeId };
        remove.SetAction((r, ct) => RemoveAsync(r.GetValue(removeData)!, r.GetValue(removeId)!, ct));

        return new Command("node", "Add or remove cluster members.") { add, remove };
    }

    private static async Task<int> AddAsync(string dataRoot, string? requestedId, int? requestedPort, CancellationToken cancellationToken)
    {
        if (ClusterFile.Load(dataRoot) is not { } cluster)
        {
            await Console.Error.WriteLineAsync($"chorus node add: no {ClusterFile.FileName} in '{dataRoot}' (start a cluster with `chorus cluster up`)");
            return 2;
        }
        var id = requestedId ?? NextId(cluster);
        var port = requestedPort ?? cluster.Members.Max(m => m.Port) + 1;
        var member = new ClusterFile.Member(id, "127.0.0.1", port, port + 10000, port + 20000, Path.Combine(dataRoot, id));
        if (cluster.IsLeaderless)
        {
            return await LeaderlessNodeCommand.AddAsync(cluster, member, dataRoot, cancellationToken);
        }
        if (await cluster.FindLeaderAsync(cancellationToken) is not { } leader)
        {
            await Console.Error.WriteLineAsync("chorus node add: no node of the cluster says it leads (is it up? an election may be under way)");
            return 1;
        }

        var added = await leader.SendAsync(cancellationToken, "CHORUS.NODE", "ADD", id, $"{member.Host}:{Text(member.PeerPort)}", $"{member.Host}:{Text(member.Port)}");
        if (added.IsError)
        {
            await Console.Error.WriteLineAsync($"chorus node add: the leader refused: {added.AsString()}");
            return 1;
        }
        // The new node proves who it is to the others with a certificate from the cluster's CA.
        CertCommand.Issue(ClusterUpCommand.PeerCertificates(dataRoot), [id], [], TextWriter.Null);
        var grown = cluster with { Members = [.. cluster.Members, member] };
        grown.Save(dataRoot);
        var pid = StartDetached(grown, member, dataRoot);
        Console.WriteLine($"{id} added as a learner; started as process {pid} (log: {Path.Combine(dataRoot, id + ".log")})");
        return await WatchJoinAsync(leader, member, cancellationToken);
    }

    /// <summary>Prints the new node's progress (snapshot, then catch-up) until the leader promotes it.</summary>
    private static async Task<int> WatchJoinAsync(ClusterFile.Member leader, ClusterFile.Member member, CancellationToken cancellationToken)
    {
        var lastLine = "";
        while (!cancellationToken.IsCancellationRequested)
        {
            var leaderInfo = await NodeInfo.TryFetchAsync(leader.Host, leader.Port, cancellationToken);
            var nodeInfo = await NodeInfo.TryFetchAsync(member.Host, member.Port, cancellationToken);
            var role = leaderInfo?.GetValueOrDefault("chorus_members")?.Split(',').FirstOrDefault(m => m.StartsWith(member.Id + ":", StringComparison.Ordinal))?.Split(':')[1] ?? "?";
            var line = Describe(member.Id, role, leaderInfo, nodeInfo);
            if (line != lastLine)
            {
                Console.WriteLine(line);
                lastLine = line;
            }
            if (role == "voter")
            {
                Console.WriteLine($"{member.Id} is a voting follower. Remove it with `chorus node remove {member.Id}`.");
                return 0;
            }
            try
            {
                await Task.Delay(500, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        return 0;
    }

    private static string Describe(string id, string role, Dictionary<string, string>? leader, Dictionary<string, string>? node)
    {
        if (node is null)
        {
            return $"{id}: starting…";
        }
        if (node.GetValueOrDefault("chorus_snapshot_state") == "transferring")
        {
            var done = long.Parse(node["chorus_snapshot_bytes_done"], CultureInfo.InvariantCulture) / 1e6;
            var total = long.Parse(node["chorus_snapshot_bytes_total"], CultureInfo.InvariantCulture) / 1e6;
            return $"{id}: snapshot {done:0.0}/{total:0.0} MB at {node["chorus_snapshot_rate_mb_per_s"]} MB/s, ETA {node["chorus_snapshot_eta_s"]} s";
        }
        var leaderLsn = leader?.GetValueOrDefault("chorus_last_lsn") ?? "?";
        return $"{id}: {role}, applied LSN {node.GetValueOrDefault("chorus_last_lsn", "?")} of {leaderLsn}";
    }

    private static async Task<int> RemoveAsync(string dataRoot, string id, CancellationToken cancellationToken)
    {
        if (ClusterFile.Load(dataRoot) is not { } cluster || cluster.Members.All(m => m.Id != id))
        {
            await Console.Error.WriteLineAsync($"chorus node remove: {id} is not in {Path.Combine(dataRoot, ClusterFile.FileName)}");
            return 2;
        }
        if (cluster.IsLeaderless)
        {
            return await LeaderlessNodeCommand.RemoveAsync(cluster, id, dataRoot, cancellationToken);
        }
        if (await cluster.FindLeaderAsync(cancellationToken) is not { } leader)
        {
            await Console.Error.WriteLineAsync("chorus node remove: no node of the cluster says it leads (is it up? an election may be under way)");
            return 1;
        }
        var removed = await leader.SendAsync(cancellationToken, "CHORUS.NODE", "REMOVE", id);
        if (removed.IsError)
        {
            await Console.Error.WriteLineAsync($"chorus node remove: the leader refused: {removed.AsString()}");
            return 1;
        }
        (cluster with { Members = [.. cluster.Members.Where(m => m.Id != id)] }).Save(dataRoot);
        StopDetached(dataRoot, id);
        Console.WriteLine($"{id} removed from the cluster");
        return 0;
    }

    /// <summary>The next free nK id.</summary>
    private static string NextId(ClusterFile cluster)
    {
        var next = cluster.Members.Count + 1;
        while (cluster.Members.Any(m => m.Id == $"n{Text(next)}"))
        {
            next++;
        }
        return $"n{Text(next)}";
    }

    /// <summary>Stops a node `chorus node add` started (it has a pid file); whether there was one.</summary>
    internal static bool StopDetached(string dataRoot, string id)
    {
        var pidFile = Path.Combine(dataRoot, id + ".pid");
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture, out var pid))
        {
            return false;
        }
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }
        catch (ArgumentException)
        {
            // it has exited already
        }
        File.Delete(pidFile);
        return true;
    }

    /// <summary>Starts `chorus serve` for the member in its own session, so it outlives this command.</summary>
    private static int StartDetached(ClusterFile cluster, ClusterFile.Member member, string dataRoot) =>
        StartDetached(member, dataRoot,
        [
            "--id", member.Id, "--host", member.Host, "--port", Text(member.Port), "--peer-port", Text(member.PeerPort),
            "--http-port", Text(member.HttpPort), "--data", member.DataDir, "--leader", cluster.Leader,
            "--peers", string.Join(',', cluster.Members.Select(m => $"{m.Id}={m.Host}:{Text(m.PeerPort)}")),
            "--peer-tls-dir", ClusterUpCommand.PeerCertificates(dataRoot),
        ]);

    /// <summary>Starts `chorus serve` with <paramref name="serveArguments"/> in its own session (output in &lt;data&gt;/&lt;id&gt;.log, pid in &lt;id&gt;.pid).</summary>
    internal static int StartDetached(ClusterFile.Member member, string dataRoot, IEnumerable<string> serveArguments)
    {
        var serve = ChildNode.SelfInvocation();
        var arguments = serve.ArgumentList.Concat(serveArguments);
        var start = new ProcessStartInfo("setsid") { UseShellExecute = false, RedirectStandardOutput = true };
        start.ArgumentList.Add("sh");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("\"$0\" \"$@\" > \"$LOG\" 2>&1 < /dev/null & echo $!");
        start.ArgumentList.Add(serve.FileName);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["LOG"] = Path.GetFullPath(Path.Combine(dataRoot, member.Id + ".log"));
        using var shell = Process.Start(start)!;
        var pid = int.Parse(shell.StandardOutput.ReadLine()!.Trim(), CultureInfo.InvariantCulture);
        shell.WaitForExit();
        File.WriteAllText(Path.Combine(dataRoot, member.Id + ".pid"), Text(pid));
        return pid;
    }

    internal static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
