using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Chorus.Resp;

namespace Chorus.Cli.Lab;

/// <summary>
/// A cluster of real node processes for one lab run: `chorus serve` children as `cluster up`
/// starts them (<see cref="ChildNode"/>), on free loopback ports, peers on mutual TLS, with
/// CHORUS.FAULT enabled. Their output goes to a log file beside the report. The lab breaks them
/// with real faults: kill -9, SIGSTOP/SIGCONT and a held peer link.
/// </summary>
internal sealed class LabCluster : IAsyncDisposable
{
    /// <summary>Generous: with five engineers' builds on two cores, a node once took over 90 s to start.</summary>
    private static readonly TimeSpan StartPatience = TimeSpan.FromSeconds(180);
    private readonly string _root;
    private readonly StreamWriter _log;
    private readonly Dictionary<string, ChildNode> _nodes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _paused = new(StringComparer.Ordinal);

    private readonly Func<ClusterFile.Member, IReadOnlyList<string>> _flags;

    private LabCluster(string root, StreamWriter log, ClusterFile file, Func<ClusterFile.Member, IReadOnlyList<string>> flags)
    {
        _root = root;
        _log = log;
        File = file;
        _flags = flags;
    }

    public ClusterFile File { get; }

    public IReadOnlyList<ClusterFile.Member> Members => File.Members;

    public ClusterFile.Member this[string id] => Members.Single(m => m.Id == id);

    /// <summary>Starts <paramref name="size"/> single-leader nodes n1, n2, ... (n1 stands first) with <paramref name="flags"/> and waits until n1 leads every other.</summary>
    public static Task<LabCluster> StartAsync(int size, IReadOnlyList<string> flags, string logPath, CancellationToken cancellationToken) =>
        StartAsync([.. Enumerable.Range(1, size).Select(i => $"n{i}")], _ => ["--leader", "n1", .. flags],
            (cluster, token) => cluster.WaitForFollowersAsync("n1", size - 1, token), logPath, cancellationToken);

    /// <summary>Starts a node per id, each with its own flags, and waits until <paramref name="ready"/> returns.</summary>
    public static async Task<LabCluster> StartAsync(IReadOnlyList<string> ids, Func<ClusterFile.Member, IReadOnlyList<string>> flags, Func<LabCluster, CancellationToken, Task> ready, string logPath, CancellationToken cancellationToken)
    {
        var root = Path.Combine(Path.GetTempPath(), $"chorus-lab-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        var file = new ClusterFile(ids[0], [.. ids.Select(id => new ClusterFile.Member(
            id, "127.0.0.1", FreePort(), FreePort(), FreePort(), Path.Combine(root, id)))]);
        CertCommand.Issue(Certificates(root), ids, [], TextWriter.Null);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(logPath))!);
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var cluster = new LabCluster(root, log, file, flags);
        foreach (var member in file.Members)
        {
            cluster.StartNode(member);
        }
        try
        {
            await ready(cluster, cancellationToken);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    /// <summary>Throws when a node has exited (say, during start), naming the log to read.</summary>
    public void ThrowIfANodeExited()
    {
        if (_nodes.Values.FirstOrDefault(n => n.HasExited) is { } dead)
        {
            throw new InvalidOperationException($"node {dead.Id} exited (exit code {dead.ExitCode}); see {((FileStream)_log.BaseStream).Name}");
        }
    }

    public int ProcessId(string id) => _nodes[id].ProcessId;

    /// <summary>kill -9 of a node, returning once the process is gone.</summary>
    public async Task KillAsync(string id)
    {
        ProcessSignals.Kill(_nodes[id].ProcessId);
        await _nodes[id].WaitForExitAsync(CancellationToken.None);
    }

    /// <summary>Starts a killed node again on its data directory, with the flags it was first started with.</summary>
    public void Restart(string id)
    {
        if (!_nodes[id].HasExited)
        {
            throw new InvalidOperationException($"{id} is still running; kill it first");
        }
        _nodes[id].Dispose();
        StartNode(this[id]);
    }

    private void StartNode(ClusterFile.Member member) =>
        _nodes[member.Id] = ChildNode.Start(member.Id, [.. ServeArguments(member), .. _flags(member)], _log);

    /// <summary>Waits until every leaderless node sees every other up (as `cluster up` does for that family).</summary>
    public Task WaitForPeersUpAsync(CancellationToken cancellationToken)
    {
        var others = (Members.Count - 1).ToString(CultureInfo.InvariantCulture);
        return UntilAsync(async () =>
            {
                ThrowIfANodeExited();
                var infos = await Task.WhenAll(Members.Select(m => NodeInfo.TryFetchAsync(m.Host, m.Port, cancellationToken)));
                return infos.All(info => info?.GetValueOrDefault("leaderless_peers_heard") == others);
            }, StartPatience, "the nodes did not all see each other up", cancellationToken);
    }

    /// <summary>
    /// Polls <paramref name="condition"/> every 100 ms until it holds; past <paramref name="patience"/>
    /// a <see cref="TimeoutException"/> says "<paramref name="failure"/> within N s".
    /// </summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan patience, string failure, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + patience;
        while (!await condition())
        {
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"{failure} within {patience.TotalSeconds:0} s");
            }
            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>SIGSTOP: the node freezes (a long GC pause, a stopped VM) and keeps its sockets.</summary>
    public void Pause(string id)
    {
        ProcessSignals.Stop(_nodes[id].ProcessId, TimeSpan.FromSeconds(10));
        _paused.Add(id);
    }

    public void Resume(string id)
    {
        ProcessSignals.Continue(_nodes[id].ProcessId);
        _paused.Remove(id);
    }

    /// <summary>One command over a fresh connection; an error reply for a node that cannot be reached.</summary>
    public async Task<RespValue> CommandAsync(string id, CancellationToken cancellationToken, params string[] command)
    {
        try
        {
            return await this[id].SendAsync(cancellationToken, command);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return RespValue.Error($"{id} unreachable: {e.Message}");
        }
    }

    /// <summary>Waits until some node other than <paramref name="except"/> leads with every other live node following.</summary>
    public async Task<string> WaitForNewLeaderAsync(string except, int followers, CancellationToken cancellationToken)
    {
        string? leader = null;
        await UntilAsync(async () =>
            {
                foreach (var member in Members.Where(m => m.Id != except && !_paused.Contains(m.Id) && !_nodes[m.Id].HasExited))
                {
                    var info = await NodeInfo.TryFetchAsync(member.Host, member.Port, cancellationToken);
                    if (info?.GetValueOrDefault("chorus_role") == "leader" && Followers(info) >= followers)
                    {
                        leader = member.Id;
                        return true;
                    }
                }
                return false;
            }, StartPatience, $"no node other than {except} led", cancellationToken);
        return leader!;
    }

    /// <summary>
    /// Waits until <paramref name="id"/> follows <paramref name="leader"/> with its link up and its
    /// log ending where the leader's does — so a rejoining node has truncated (and saved to a
    /// rollback file) whatever the leader lacks. Meant for a quiet cluster (no writes going on).
    /// </summary>
    public Task WaitForCaughtUpAsync(string id, string leader, CancellationToken cancellationToken) =>
        UntilAsync(async () =>
            {
                ThrowIfANodeExited();
                var info = await NodeInfo.TryFetchAsync(this[id].Host, this[id].Port, cancellationToken);
                var leaderInfo = await NodeInfo.TryFetchAsync(this[leader].Host, this[leader].Port, cancellationToken);
                return info?.GetValueOrDefault("chorus_role") == "follower" && info.GetValueOrDefault("master_link_status") == "up"
                    && info.GetValueOrDefault("chorus_last_lsn") is { } last && last == leaderInfo?.GetValueOrDefault("chorus_last_lsn");
            }, StartPatience, $"{id} did not catch up with {leader}", cancellationToken);

    public Task WaitForFollowersAsync(string leader, int followers, CancellationToken cancellationToken) =>
        UntilAsync(async () =>
            {
                ThrowIfANodeExited();
                var info = await NodeInfo.TryFetchAsync(this[leader].Host, this[leader].Port, cancellationToken);
                return info?.GetValueOrDefault("chorus_role") == "leader" && Followers(info) >= followers;
            }, StartPatience, $"{leader} did not lead {followers} followers", cancellationToken);

    public async ValueTask DisposeAsync()
    {
        foreach (var id in _paused.ToList())
        {
            Resume(id);
        }
        await Task.WhenAll(_nodes.Values.Select(n => n.StopAsync(TimeSpan.FromSeconds(10))));
        foreach (var node in _nodes.Values)
        {
            node.Dispose();
        }
        await _log.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A node's files may linger a moment after it exits; the temporary folder is left then.
        }
    }

    private static int Followers(Dictionary<string, string> info) =>
        int.TryParse(info.GetValueOrDefault("connected_slaves"), CultureInfo.InvariantCulture, out var count) ? count : 0;

    private IEnumerable<string> ServeArguments(ClusterFile.Member member) =>
    [
        "--id", member.Id,
        "--host", member.Host,
        "--port", Text(member.Port),
        "--peer-port", Text(member.PeerPort),
        "--http-port", Text(member.HttpPort),
        "--data", member.DataDir,
        "--peers", string.Join(',', Members.Select(m => $"{m.Id}={m.Host}:{Text(m.PeerPort)}")),
        "--peer-tls-dir", Certificates(_root),
        "--fault-commands", "true",
    ];

    private static string Certificates(string root) => ClusterUpCommand.PeerCertificates(root);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
