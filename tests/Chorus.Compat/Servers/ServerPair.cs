using System.Globalization;
using Chorus.Client;
using Chorus.Resp;
using Chorus.Testing;

namespace Chorus.Compat.Servers;

/// <summary>
/// The two servers under comparison, each a real process on a free loopback port with its own
/// temporary directory: Debian's redis-server 7.0 (no persistence) and a single `chorus serve`
/// node (RocksDB, fsync off). Commands go to both over real sockets.
/// </summary>
internal sealed class ServerPair : IAsyncDisposable
{
    /// <summary>The Redis version whose replies are the reference.</summary>
    public const string RedisVersionPrefix = "7.0.";

    private readonly string _directory;

    /// <summary>CONFIG SET of each parameter a run may change, to Redis's value at start (one per command: some are aliases of others).</summary>
    private readonly IReadOnlyList<byte[]>[] _configDefaults;

    private ServerPair(string directory, ServerProcess redis, ServerProcess chorus, IReadOnlyList<byte[]>[] configDefaults)
    {
        _directory = directory;
        Redis = redis;
        Chorus = chorus;
        _configDefaults = configDefaults;
    }

    public ServerProcess Redis { get; }

    public ServerProcess Chorus { get; }

    public static async Task<ServerPair> StartAsync(CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("chorus-compat-").FullName;
        ServerProcess? redis = null;
        try
        {
            redis = await StartRedisAsync(directory, cancellationToken);
            await CheckRedisVersionAsync(redis.Connection);
            var configDefaults = await ReadConfigDefaultsAsync(redis, cancellationToken);
            var chorus = await StartChorusAsync(directory, cancellationToken);
            return new ServerPair(directory, redis, chorus, configDefaults);
        }
        catch
        {
            if (redis is not null)
            {
                await redis.DisposeAsync();
            }
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>Sends the same pipeline to both servers at once; their replies, in order.</summary>
    public async Task<(RespValue[] Redis, RespValue[] Chorus)> SendAsync(IReadOnlyList<IReadOnlyList<byte[]>> commands, CancellationToken cancellationToken)
    {
        var redis = SendToAsync(Redis, commands, cancellationToken);
        var chorus = SendToAsync(Chorus, commands, cancellationToken);
        return (await redis, await chorus);
    }


    private static async Task<IReadOnlyList<byte[]>[]> ReadConfigDefaultsAsync(ServerProcess redis, CancellationToken cancellationToken)
    {
        var names = Generation.Generators.ConfigGenerator.ResettableParameters.ToArray();
        var replies = await SendToAsync(redis, [.. names.Select(name => Args("CONFIG", "GET", name))], cancellationToken);
        return [.. names.Select((name, i) => Args("CONFIG", "SET", name, replies[i].Items[1].AsString()!))];
    }

    /// <summary>
    /// An empty keyspace on both, database 0 selected, no functions or cached scripts, the tuning
    /// parameters at Redis's defaults, and the protocol (2 or 3) for the next commands: a seed
    /// answers the same whether it runs alone or after others.
    /// </summary>
    public async Task ResetAsync(int protocol, CancellationToken cancellationToken)
    {
        // A seed may end inside MULTI, or with keys watched: leave both (DISCARD's error when no
        // transaction is open is expected).
        await SendAsync([Args("DISCARD"), Args("UNWATCH")], cancellationToken);
        IReadOnlyList<byte[]>[] commands =
        [
            Args("HELLO", protocol.ToString(CultureInfo.InvariantCulture)), Args("SELECT", "0"), Args("FLUSHALL"),
            Args("FUNCTION", "FLUSH"), Args("SCRIPT", "FLUSH"), .. _configDefaults,
        ];
        var (redis, chorus) = await SendAsync(commands, cancellationToken);
        foreach (var reply in redis.Concat(chorus).Where(r => r.IsError))
        {
            throw new InvalidOperationException($"could not reset the servers: {reply}");
        }
    }

    /// <summary>
    /// Leaves both shared connections as the other tests using them expect: no transaction open,
    /// nothing watched, RESP2, database 0. A seed can end inside MULTI, and a test class that ran
    /// next then got QUEUED for every command (DISCARD's error when none is open is expected).
    /// </summary>
    public async Task LeaveCleanAsync(CancellationToken cancellationToken) =>
        await SendAsync([Args("DISCARD"), Args("UNWATCH"), Args("HELLO", "2"), Args("SELECT", "0")], cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Chorus.DisposeAsync();
        await Redis.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // a leftover temporary directory is harmless
        }
    }

    /// <summary>Sends a pipeline to one server; a lost connection says what happened to the server.</summary>
    public static async Task<RespValue[]> SendToAsync(ServerProcess server, IReadOnlyList<IReadOnlyList<byte[]>> commands, CancellationToken cancellationToken)
    {
        try
        {
            return await server.Connection.PipelineAsync(commands, cancellationToken);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            throw new IOException($"lost the connection to {server.Describe()}", e);
        }
    }

    private static async Task<ServerProcess> StartRedisAsync(string directory, CancellationToken cancellationToken)
    {
        var path = await RedisInstallation.FindOrInstallAsync(cancellationToken);
        var port = FreePorts.Next();
        var data = Directory.CreateDirectory(Path.Combine(directory, "redis")).FullName;
        string[] arguments =
        [
            "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", data,
            "--save", "", "--appendonly", "no", "--daemonize", "no",
            "--enable-debug-command", "yes",   // DEBUG PROTOCOL and friends are compared too
        ];
        return await ServerProcess.StartAsync("redis-server", path, arguments, port, ServerProcess.Answers("PONG", "PING"), cancellationToken);
    }

    private static async Task CheckRedisVersionAsync(RespConnection redis)
    {
        var info = (await redis.CommandAsync(CancellationToken.None, "INFO", "server")).AsString() ?? "";
        var version = info.Split("\r\n").FirstOrDefault(l => l.StartsWith("redis_version:", StringComparison.Ordinal))?["redis_version:".Length..];
        if (version is null || !version.StartsWith(RedisVersionPrefix, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"the differential tests compare with Redis {RedisVersionPrefix}x (Debian bookworm's redis-server), but redis-server is version {version ?? "unknown"}");
        }
    }

    private static async Task<ServerProcess> StartChorusAsync(string directory, CancellationToken cancellationToken)
    {
        var port = FreePorts.Next();
        string[] arguments =
        [
            BuildPaths.ChorusCli, "serve", "--id", "n1", "--port", Text(port), "--peer-port", Text(FreePorts.Next()),
            "--http-port", Text(FreePorts.Next()), "--data", Path.Combine(directory, "chorus"), "--fsync", "no",
        ];
        // Ready once it accepts a write: a single node elects itself first.
        return await ServerProcess.StartAsync("chorus", "dotnet", arguments, port, ServerProcess.Answers("0", "DEL", "__compat_ready"), cancellationToken);
    }

    private static IReadOnlyList<byte[]> Args(params string[] args) => [.. args.Select(a => System.Text.Encoding.UTF8.GetBytes(a))];

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
