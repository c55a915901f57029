using System.Globalization;
using System.Net.Sockets;
using Chorus.Client;
using Chorus.Resp;
using StackExchange.Redis;

namespace Chorus.Cli.Tests.Support;

/// <summary>
/// A cluster of real node processes on loopback (n1 leads), each with its own data directory
/// under a temporary folder. Nodes can be killed (-9), stopped and restarted.
/// </summary>
internal sealed class ProcessCluster : IAsyncDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "chorus-cluster-" + Guid.NewGuid().ToString("N"));
    private readonly NodeProcess?[] _processes;
    private readonly Dictionary<string, string> _fsync;

    private readonly string[] _extraArguments;
    private readonly NetworkNamespaces? _network;
    private readonly string? _password;

    private ProcessCluster(int size, Dictionary<string, string> fsync, string[] extraArguments, NetworkNamespaces? network = null, string? password = null)
    {
        _fsync = fsync;
        _extraArguments = extraArguments;
        _network = network;
        _password = password;
        // In namespaces every node has an address of its own, so all can use Redis's usual ports.
        _members = network is null
            ? [.. Enumerable.Range(1, size).Select(i => new Member($"n{i}", FreePort(), FreePort(), FreePort()))]
            : [.. Enumerable.Range(1, size).Select(i => new Member($"n{i}", 6379, 16379, 26379, network.Address(i)))];
        _processes = new NodeProcess?[9];
    }

    /// <summary>A member; <paramref name="Host"/> is the address it announces and the tests reach it at.</summary>
    public sealed record Member(string Id, int Port, int PeerPort, int HttpPort, string Host = "127.0.0.1");

    public IReadOnlyList<Member> Members => _members;

    private readonly List<Member> _members;

    public Member this[string id] => Members.Single(m => m.Id == id);

    /// <summary>Starts every node and waits until the leader sees every follower streaming.</summary>
    public static Task<ProcessCluster> StartAsync(int size = 3, Dictionary<string, string>? fsync = null, params string[] arguments) =>
        StartAsync(new ProcessCluster(size, fsync ?? [], arguments));

    /// <summary>
    /// One node per network namespace of <paramref name="network"/>, each binding every address
    /// of its namespace and announcing its own; clients (the tests) must give <paramref name="password"/>,
    /// since they connect from outside loopback.
    /// </summary>
    public static Task<ProcessCluster> StartInNamespacesAsync(NetworkNamespaces network, string password, params string[] arguments) =>
        StartAsync(new ProcessCluster(network.Size, [], ["--requirepass", password, .. arguments], network, password));

    private static async Task<ProcessCluster> StartAsync(ProcessCluster cluster)
    {
        var size = cluster.Members.Count;
        cluster.WriteClusterFile();
        foreach (var member in cluster.Members)
        {
            cluster.Start(member.Id);
        }
        try
        {
            await cluster.WaitForFollowersAsync(size - 1);
            await cluster.EnsureFirstNodeLeadsAsync();
        }
        catch (TimeoutException e)
        {
            var outputs = string.Join("\n", cluster.Members.Select(m => $"--- {m.Id} ---\n{cluster.Output(m.Id)}"));
            await cluster.DisposeAsync();
            throw new TimeoutException($"{e.Message}\n{outputs}");
        }
        return cluster;
    }

    /// <summary>A leaderless cluster (--family leaderless plus <paramref name="arguments"/>): starts every node and waits until each sees every other up.</summary>
    public static async Task<ProcessCluster> StartLeaderlessAsync(int size, params string[] arguments)
    {
        var cluster = new ProcessCluster(size, [], ["--family", "leaderless", .. arguments]);
        cluster.WriteClusterFile();
        foreach (var member in cluster.Members)
        {
            cluster.Start(member.Id);
        }
        try
        {
            await cluster.WaitForPeersUpAsync();
        }
        catch (TimeoutException e)
        {
            var outputs = string.Join("\n", cluster.Members.Select(m => $"--- {m.Id} ---\n{cluster.Output(m.Id)}"));
            await cluster.DisposeAsync();
            throw new TimeoutException($"{e.Message}\n{outputs}");
        }
        return cluster;
    }

    /// <summary>
    /// Leaderless: waits until every node sees every other node up — a full mesh of TLS streams
    /// (20 for five nodes, where a single-leader cluster needs 4), so the default deadline is
    /// twice a single-leader start's: under other engineers' test runs a node took 25 s just to start.
    /// </summary>
    public Task WaitForPeersUpAsync(TimeSpan? timeout = null) =>
        Eventually(async () => await TryAsync(async () =>
            {
                foreach (var member in Members)
                {
                    // Heard, not merely up: a peer not heard yet counts as up for a while after start.
                    if ((await InfoAsync(member.Id))["leaderless_peers_heard"] != Text(Members.Count - 1))
                    {
                        return false;
                    }
                }
                return true;
            }),
            timeout ?? TimeSpan.FromSeconds(120), "every leaderless node sees every other up");

    /// <summary>
    /// n1 stands first, but on a loaded machine another node can win the first election; tests
    /// address the leader as n1, so hand leadership back to it (FAILOVER TO, as an operator would).
    /// </summary>
    private async Task EnsureFirstNodeLeadsAsync()
    {
        var leader = await WaitForLeaderAsync(TimeSpan.FromSeconds(30));
        if (leader == "n1")
        {
            return;
        }
        var reply = await CommandAsync(leader, "FAILOVER", "TO", this["n1"].Host, Text(this["n1"].Port), "TIMEOUT", "10000");
        Assert.False(reply.IsError, $"FAILOVER TO n1 on {leader}: {reply.AsString()}");
        await WaitForLeaderAsync(TimeSpan.FromSeconds(30), "n1");
        await WaitForFollowersAsync(Members.Count - 1);
    }

    /// <summary>A new member (not started, not yet known to the cluster): ports and a data directory.</summary>
    /// <summary>Arguments for one node only, added after the cluster's own when it (re)starts.</summary>
    public Dictionary<string, string[]> NodeArguments { get; } = [];

    public Member AddMember()
    {
        var member = new Member($"n{_members.Count + 1}", FreePort(), FreePort(), FreePort());
        _members.Add(member);
        return member;
    }

    public void Start(string id)
    {
        var index = Index(id);
        _processes[index]?.Dispose();
        var member = Members[index];
        _processes[index] = NodeProcess.Start(
        [
            "--id", member.Id,
            .. _network is null ? [] : new[] { "--host", "0.0.0.0", "--announce-host", member.Host },
            "--port", Text(member.Port),
            "--peer-port", Text(member.PeerPort),
            "--http-port", Text(member.HttpPort),
            "--data", Path.Combine(_root, member.Id),
            "--leader", Members[0].Id,
            "--fsync", _fsync.GetValueOrDefault(id, "everysec"),
            "--peers", string.Join(',', Members.Select(m => $"{m.Id}={m.Host}:{Text(m.PeerPort)}")),
            // Peers authenticate each other with mutual TLS, as they do by default.
            "--peer-tls-dir", PeerCertificates(member.Id),
            // Tests that are not about failover must not see one because a loaded machine delayed
            // a heartbeat, unless they choose their own election timeout.
            .. _extraArguments.Contains("--election-timeout-ms") ? [] : new[] { "--election-timeout-ms", "3000" },
            .. _extraArguments,
            .. NodeArguments.GetValueOrDefault(id, []),
        ], launcher: _network?.Launcher(index + 1));
    }

    /// <summary>The cluster's development CA and node certificates (as `chorus cert` makes them), issued as nodes are first started.</summary>
    public string PeerCertificates(string id) => PeerCertificates(_root, id);

    /// <summary>A development CA under &lt;root&gt;/certs and a certificate for node <paramref name="id"/>, issued once; returns the directory.</summary>
    public static string PeerCertificates(string root, string id)
    {
        var directory = Path.Combine(root, "certs");
        if (!File.Exists(Path.Combine(directory, id + ".crt")))
        {
            var now = DateTimeOffset.UtcNow;
            using var ca = Server.Security.DevCertificates.LoadOrCreateCa(directory, now);
            using var certificate = Server.Security.DevCertificates.Issue(ca, id, [], now);
            Server.Security.DevCertificates.Write(certificate, directory, id);
        }
        return directory;
    }

    /// <summary>Describes the cluster in &lt;root&gt;/cluster.json, as `cluster up` does, for the CLI's commands.</summary>
    private void WriteClusterFile()
    {
        Directory.CreateDirectory(_root);
        var members = Members.Select(m => new { id = m.Id, host = m.Host, port = m.Port, peerPort = m.PeerPort, httpPort = m.HttpPort, dataDir = DataDir(m.Id) });
        File.WriteAllText(Path.Combine(_root, "cluster.json"), System.Text.Json.JsonSerializer.Serialize(new { leader = Members[0].Id, members }));
    }

    public Task KillAsync(string id) => _processes[Index(id)]!.KillAsync();

    public Task StopAsync(string id) => _processes[Index(id)]!.StopAsync();

    public void Pause(string id) => _processes[Index(id)]!.Pause();

    public void Resume(string id) => _processes[Index(id)]!.Resume();

    public async Task<Dictionary<string, string>> InfoAsync(string id, string section = "replication")
    {
        var reply = await CommandAsync(id, "INFO", section);
        return ParseInfo(reply.AsString()!);
    }

    /// <summary>INFO's "field:value" lines as a dictionary.</summary>
    public static Dictionary<string, string> ParseInfo(string text) =>
        text.Split('\n')
            .Select(l => l.TrimEnd('\r'))
            .Where(l => l.Contains(':', StringComparison.Ordinal) && !l.StartsWith('#'))
            .ToDictionary(l => l[..l.IndexOf(':', StringComparison.Ordinal)], l => l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..]);

    /// <summary>The node's INFO, or null while it cannot be reached (down, starting, paused).</summary>
    public async Task<Dictionary<string, string>?> TryInfoAsync(string id, string section = "replication")
    {
        try
        {
            return await InfoAsync(id, section);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            return null;
        }
    }

    public async Task<RespValue> CommandAsync(string id, params string[] command)
    {
        await using var connection = await RespConnection.ConnectAsync(this[id].Host, this[id].Port, TimeSpan.FromSeconds(5), CancellationToken.None);
        if (_password is not null)
        {
            var auth = await connection.CommandAsync(CancellationToken.None, "AUTH", _password);
            Assert.False(auth.IsError, $"AUTH at {id}: {auth.AsString()}");
        }
        return await connection.CommandAsync(CancellationToken.None, command);
    }

    public Task<ConnectionMultiplexer> ConnectAsync(string id, int timeoutMs = 10000) =>
        ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { { this[id].Host, this[id].Port } },
            Password = _password,
            AbortOnConnectFail = false,
            ConnectTimeout = 5000,
            SyncTimeout = timeoutMs,
            AsyncTimeout = timeoutMs,
        });

    public async Task<ulong> LastLsnAsync(string id) =>
        ulong.Parse((await InfoAsync(id))["chorus_last_lsn"], CultureInfo.InvariantCulture);

    public async Task<string> DigestAsync(string id) => (await CommandAsync(id, "CHORUS.DIGEST")).Items![0].AsString()!;

    /// <summary>Waits until the leader reports <paramref name="count"/> followers streaming.</summary>
    public Task WaitForFollowersAsync(int count, TimeSpan? timeout = null) =>
        Eventually(async () => await TryAsync(async () => await LeaderAsync() is { } leader && (await InfoAsync(leader))["connected_slaves"] == Text(count)),
            timeout ?? TimeSpan.FromSeconds(60), $"the leader has {count} followers streaming");

    /// <summary>The directory the cluster keeps its nodes' data and cluster file in (a `--data` for the CLI).</summary>
    public string Root => _root;

    public string DataDir(string id) => Path.Combine(_root, id);

    public bool IsRunning(string id) => _processes[Index(id)] is { HasExited: false };

    /// <summary>
    /// The node that leads now: among the running nodes (of <paramref name="among"/>, default all)
    /// that say they lead, the one with the newest epoch; null when none does.
    /// </summary>
    public async Task<string?> LeaderAsync(params string[] among)
    {
        string? leader = null;
        var leaderEpoch = -1L;
        foreach (var member in Members.Where(m => IsRunning(m.Id) && (among.Length == 0 || among.Contains(m.Id))))
        {
            if (await TryInfoAsync(member.Id) is not { } info)
            {
                continue;
            }
            var epoch = long.Parse(info.GetValueOrDefault("chorus_epoch", "-1"), CultureInfo.InvariantCulture);
            if (info.GetValueOrDefault("chorus_role") == "leader" && epoch > leaderEpoch)
            {
                (leader, leaderEpoch) = (member.Id, epoch);
            }
        }
        return leader;
    }

    /// <summary>Waits until one of <paramref name="among"/> (default: any node) leads; returns it.</summary>
    public async Task<string> WaitForLeaderAsync(TimeSpan timeout, params string[] among)
    {
        string? leader = null;
        await Eventually(async () => (leader = await LeaderAsync(among)) is not null, timeout,
            among.Length == 0 ? "some node leads" : $"one of {string.Join(", ", among)} leads");
        return leader!;
    }

    /// <summary>
    /// Waits until every running follower has applied everything the leader has; on a timeout the
    /// error carries the lagging node's state and output (<see cref="ReplicationStallReport"/>).
    /// </summary>
    public async Task WaitForReplicationAsync(TimeSpan? timeout = null)
    {
        var leader = await WaitForLeaderAsync(timeout ?? TimeSpan.FromSeconds(60));
        var target = await LastLsnAsync(leader);
        foreach (var member in Members.Where(m => m.Id != leader && IsRunning(m.Id)))
        {
            try
            {
                await Eventually(async () => await TryAsync(async () => await LastLsnAsync(member.Id) >= target),
                    timeout ?? TimeSpan.FromSeconds(60), $"{member.Id} applied LSN {target}");
            }
            catch (TimeoutException e)
            {
                throw new TimeoutException($"{e.Message}\n{await ReplicationStallReport.DescribeAsync(this, member.Id, leader)}", e);
            }
        }
    }

    public string Output(string id) => _processes[Index(id)]?.Output ?? "";

    public async ValueTask DisposeAsync()
    {
        await NodeProcess.StopAllAsync([.. _processes.OfType<NodeProcess>()]);
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // leftover temp files are harmless
        }
    }

    /// <summary>
    /// Asserts that two members end up holding the same data, allowing <paramref name="timeout"/>
    /// (default 30 s) for what is still in flight: a returning old leader may already report an
    /// LSN at or past the leader's from its own divergent suffix before it has truncated it, so
    /// "LSN reached" alone does not mean "converged". A lasting divergence still fails, with both digests.
    /// </summary>
    public async Task AssertConvergedAsync(string expected, string actual, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var (left, right) = (await DigestAsync(expected), await DigestAsync(actual));
            if (left == right || DateTime.UtcNow > deadline)
            {
                Assert.Equal(left, right);
                return;
            }
            await Task.Delay(25);
        }
    }

    public static async Task Eventually(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out after {timeout.TotalSeconds:0.#} s waiting until {what}");
            }
            await Task.Delay(25);
        }
    }

    private static async Task<bool> TryAsync(Func<Task<bool>> probe)
    {
        try
        {
            return await probe();
        }
        catch (Exception e) when (e is IOException or SocketException or KeyNotFoundException)
        {
            return false;
        }
    }

    private int Index(string id) => Members.ToList().FindIndex(m => m.Id == id);

    /// <summary>A loopback port for a member (see <see cref="Testing.FreePorts"/>).</summary>
    public static int FreePort() => Testing.FreePorts.Next();

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
