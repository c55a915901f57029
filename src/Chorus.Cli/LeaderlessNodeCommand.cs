namespace Chorus.Cli;

/// <summary>
/// `chorus node add` / `chorus node remove` for a leaderless cluster (docs/leaderless.md,
/// "Membership changes"): the procedure an operator would follow by hand — start the new node
/// outside the ring (--join true), add it with CHORUS.RING ADD at a member, and watch the
/// handover until every node's ring stops moving; to remove, CHORUS.RING REMOVE at another
/// member, wait until the removed node has handed its ranges over, then stop it.
/// </summary>
internal static class LeaderlessNodeCommand
{
    private static readonly TimeSpan HandoverWaitMax = TimeSpan.FromMinutes(10);

    public static async Task<int> AddAsync(ClusterFile cluster, ClusterFile.Member member, string dataRoot, CancellationToken cancellationToken)
    {
        if (await ReachableMemberAsync(cluster, cancellationToken) is not { } contact)
        {
            await Console.Error.WriteLineAsync("chorus node add: no member of the ring answers (is the cluster up?)");
            return 1;
        }
        // The new node proves who it is to the others with a certificate from the cluster's CA.
        CertCommand.Issue(ClusterUpCommand.PeerCertificates(dataRoot), [member.Id], [], TextWriter.Null);
        var grown = cluster with { Members = [.. cluster.Members, member] };
        var pid = NodeCommand.StartDetached(member, dataRoot, ServeArguments(grown, member, dataRoot, join: true));
        Console.WriteLine($"{member.Id} started outside the ring as process {pid} (log: {Path.Combine(dataRoot, member.Id + ".log")})");
        if (!await UntilAsync(async () => await NodeInfo.TryFetchAsync(member.Host, member.Port, cancellationToken) is not null, TimeSpan.FromSeconds(60), cancellationToken))
        {
            var log = Path.Combine(dataRoot, member.Id + ".log");
            await Console.Error.WriteLineAsync($"chorus node add: {member.Id} did not answer within 60 s; the end of its log ({log}):");
            // Said here, not only "see its log": a node that failed to start (a port in use, a bad data directory) says why there.
            await Console.Error.WriteLineAsync(File.Exists(log) ? string.Join(Environment.NewLine, File.ReadLines(log).TakeLast(20)) : "(no log written)");
            NodeCommand.StopDetached(dataRoot, member.Id);
            return 1;
        }
        var added = await contact.SendAsync(cancellationToken, "CHORUS.RING", "ADD", member.Id, $"{member.Host}:{NodeCommand.Text(member.PeerPort)}", $"{member.Host}:{NodeCommand.Text(member.Port)}");
        if (added.IsError)
        {
            await Console.Error.WriteLineAsync($"chorus node add: {contact.Id} refused: {added.AsString()}");
            NodeCommand.StopDetached(dataRoot, member.Id);
            return 1;
        }
        grown.Save(dataRoot);
        Console.WriteLine($"{member.Id} added to the ring at {contact.Id}; its ranges are moving to it");
        return await WatchHandoverAsync(grown.Members, member.Id, cancellationToken) ? 0 : 1;
    }

    public static async Task<int> RemoveAsync(ClusterFile cluster, string id, string dataRoot, CancellationToken cancellationToken)
    {
        var removed = cluster.Members.First(m => m.Id == id);
        var others = cluster with { Members = [.. cluster.Members.Where(m => m.Id != id)] };
        if (await ReachableMemberAsync(others, cancellationToken) is not { } contact)
        {
            await Console.Error.WriteLineAsync("chorus node remove: no other member of the ring answers (is the cluster up?)");
            return 1;
        }
        var reply = await contact.SendAsync(cancellationToken, "CHORUS.RING", "REMOVE", id);
        if (reply.IsError)
        {
            await Console.Error.WriteLineAsync($"chorus node remove: {contact.Id} refused: {reply.AsString()}");
            return 1;
        }
        others.Save(dataRoot);
        Console.WriteLine($"{id} removed from the ring at {contact.Id}; its ranges are moving to their new owners");
        if (!await WatchHandoverAsync([.. others.Members, removed], null, cancellationToken))
        {
            return 1;
        }
        Console.WriteLine(NodeCommand.StopDetached(dataRoot, id)
            ? $"{id} handed its ranges over and was stopped"
            : $"{id} handed its ranges over; it was started by `chorus cluster up`, which keeps it running: it serves nothing now (leaderless_ring_member:0)");
        return 0;
    }

    /// <summary>
    /// Prints the handover's progress until no node's ring is moving (and <paramref name="joining"/>,
    /// if given, is a member); false if that takes longer than <see cref="HandoverWaitMax"/>.
    /// </summary>
    private static async Task<bool> WatchHandoverAsync(IReadOnlyList<ClusterFile.Member> nodes, string? joining, CancellationToken cancellationToken)
    {
        var lastLine = "";
        var done = await UntilAsync(async () =>
        {
            var moving = new List<string>();
            var line = new List<string>();
            var joined = joining is null;
            foreach (var node in nodes)
            {
                var info = await NodeInfo.TryFetchAsync(node.Host, node.Port, cancellationToken);
                if (info is null)
                {
                    line.Add($"{node.Id}: not answering");
                    moving.Add(node.Id);
                    continue;
                }
                if (info.GetValueOrDefault("leaderless_ring_moving") != "0")
                {
                    moving.Add(node.Id);
                    line.Add($"{node.Id}: {info.GetValueOrDefault("leaderless_ranges_to_fetch", "?")} ranges to fetch, {info.GetValueOrDefault("leaderless_keys_streamed", "?")} keys received");
                }
                joined |= node.Id == joining && info.GetValueOrDefault("leaderless_ring_member") == "1";
            }
            var text = moving.Count == 0 ? "handover complete" : "handover: " + string.Join("; ", line);
            if (text != lastLine)
            {
                Console.WriteLine(text);
                lastLine = text;
            }
            return moving.Count == 0 && joined;
        }, HandoverWaitMax, cancellationToken);
        if (!done)
        {
            await Console.Error.WriteLineAsync($"chorus node: the handover did not complete within {HandoverWaitMax.TotalMinutes:0} minutes ({lastLine}); `chorus status` shows where it stands");
        }
        return done;
    }

    private static async Task<ClusterFile.Member?> ReachableMemberAsync(ClusterFile cluster, CancellationToken cancellationToken)
    {
        foreach (var member in cluster.Members)
        {
            if (await NodeInfo.TryFetchAsync(member.Host, member.Port, cancellationToken) is { } info && info.GetValueOrDefault("leaderless_ring_member") == "1")
            {
                return member;
            }
        }
        return null;
    }

    private static IEnumerable<string> ServeArguments(ClusterFile cluster, ClusterFile.Member member, string dataRoot, bool join) =>
    [
        "--id", member.Id, "--host", member.Host, "--port", NodeCommand.Text(member.Port), "--peer-port", NodeCommand.Text(member.PeerPort),
        "--http-port", NodeCommand.Text(member.HttpPort), "--data", member.DataDir, "--leader", cluster.Leader,
        "--peers", string.Join(',', cluster.Members.Select(m => $"{m.Id}={m.Host}:{NodeCommand.Text(m.PeerPort)}")),
        "--peer-tls-dir", ClusterUpCommand.PeerCertificates(dataRoot),
        "--family", "leaderless", "--join", join ? "true" : "false",
        .. cluster.NodeSettings,
    ];

    /// <summary>Polls <paramref name="condition"/> every 500 ms until it holds (true) or <paramref name="max"/> passes (false).</summary>
    private static async Task<bool> UntilAsync(Func<Task<bool>> condition, TimeSpan max, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + max;
        while (!await condition())
        {
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }
            await Task.Delay(500, cancellationToken);
        }
        return true;
    }
}
