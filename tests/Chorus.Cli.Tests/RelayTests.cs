using System.Globalization;
using System.Text.Json;
using Chorus.Cli.Tests.Support;
using Chorus.Client;
using Npgsql;

namespace Chorus.Cli.Tests;

/// <summary>
/// DDIA ch. 5, "Trigger-based replication", with real processes: `chorus relay` carries the
/// changes of a key pattern into a real PostgreSQL table (projected: a field dropped, one renamed)
/// and a real redis-server. Killed with kill -9 three times mid-stream, and with the Redis target
/// killed under it for a while, the relay still leaves both targets equal to Chorus's state.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class RelayTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string> FsyncAlways = new() { ["n1"] = "always", ["n2"] = "always", ["n3"] = "always" };

    private static readonly string[] Fields = ["name", "email", "age", "secret"];

    [Fact]
    public async Task Killing_the_relay_three_times_mid_stream_leaves_postgres_and_redis_equal_to_chorus()
    {
        var seed = Environment.GetEnvironmentVariable("CHORUS_RELAY_SEED") is { } fixedSeed ? int.Parse(fixedSeed, CultureInfo.InvariantCulture) : new Random().Next();
        output.WriteLine($"seed {seed} (CHORUS_RELAY_SEED={seed} repeats this workload and kill schedule)");
        var random = new Random(seed);
        var cancellation = TestContext.Current.CancellationToken;
        await using var postgres = await PostgresServer.StartAsync(cancellation);
        await using var redis = await RedisServer.StartAsync(cancellation);
        await using var cluster = await ProcessCluster.StartAsync(3, FsyncAlways);
        var leader = await cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(30));
        var triggers = Path.Combine(cluster.Root, "triggers.json");
        await File.WriteAllTextAsync(triggers, JsonSerializer.Serialize(new
        {
            triggers = new object[]
            {
                new { name = "users-to-postgres", pattern = "user:*", project = new { drop = new[] { "secret" }, rename = new Dictionary<string, string> { ["name"] = "full_name" } },
                      target = new { kind = "postgres", connection = postgres.ConnectionString, table = "users" } },
                new { name = "users-to-redis", pattern = "user:*", target = new { kind = "redis", endpoint = $"127.0.0.1:{redis.Port}" } },
            },
        }), cancellation);
        var from = string.Join(',', cluster.Members.Select(m => $"127.0.0.1:{m.Port}"));
        var positionFile = triggers + ".position";
        NodeProcess StartRelay() => NodeProcess.StartCli(["relay", "--from", from, "--trigger", triggers, "--batch", "20"]);

        using var stopWriting = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var workload = WriteAsync(cluster[leader].Port, random.Next(), 1000, stopWriting.Token);
        var relay = StartRelay();
        try
        {
            for (var kill = 1; kill <= 3; kill++)
            {
                var reached = Position(positionFile);
                await ProcessCluster.Eventually(() => Task.FromResult(Position(positionFile) > reached), TimeSpan.FromSeconds(120), $"the relay moves past LSN {reached}");
                await Task.Delay(random.Next(0, 200), cancellation); // where in the stream the kill lands: part of the seeded schedule
                await relay.KillAsync();
                output.WriteLine($"kill -9 #{kill} of the relay at position {Position(positionFile)}");
                relay.Dispose();
                relay = StartRelay();
            }

            // The Redis target goes away: the relay holds back (and says so), and catches up once it returns.
            await redis.KillAsync();
            await ProcessCluster.Eventually(() => Task.FromResult(relay.Output.Contains("holding at LSN", StringComparison.Ordinal)), TimeSpan.FromSeconds(60), "the relay reports it is holding back");
            var held = Position(positionFile);
            redis.Start();
            await stopWriting.CancelAsync();
            var written = await workload;
            await cluster.WaitForReplicationAsync();
            var last = await cluster.LastLsnAsync(leader);
            await ProcessCluster.Eventually(() => Task.FromResult(Position(positionFile) > last), TimeSpan.FromSeconds(180), $"the relay delivered everything through LSN {last}");
            output.WriteLine($"{written} writes; held at {held} while Redis was down; caught up past LSN {last}");

            var expected = await ChorusStateAsync(cluster, leader);
            Assert.Equal(Show(expected), Show(await RedisStateAsync(redis.Port)));
            Assert.Equal(Show(Projected(expected)), Show(await PostgresStateAsync(postgres.ConnectionString)));
            output.WriteLine($"{expected.Count} user keys equal in Chorus, Redis and PostgreSQL");
        }
        finally
        {
            output.WriteLine(relay.Output);
            await relay.KillAsync();
            relay.Dispose();
        }
    }

    [Fact]
    public async Task A_bad_trigger_file_is_refused_with_what_is_wrong()
    {
        var directory = Directory.CreateTempSubdirectory("chorus-relay-").FullName;
        try
        {
            var file = Path.Combine(directory, "bad.json");
            await File.WriteAllTextAsync(file, """{"triggers":[{"name":"t","pattern":"user:*","target":{"kind":"oracle"}}]}""", TestContext.Current.CancellationToken);
            var (exit, text) = await NodeProcess.RunCliAsync(TimeSpan.FromSeconds(60), "relay", "--from", "127.0.0.1:1", "--trigger", file);
            Assert.Equal(2, exit);
            Assert.Contains("t: unknown target kind 'oracle' (postgres, redis or chorus)", text, StringComparison.Ordinal);

            await File.WriteAllTextAsync(file, """{"triggers":[{"pattern":"u*","target":{"kind":"postgres","connection":"Host=x","table":"users; DROP TABLE x"}}]}""", TestContext.Current.CancellationToken);
            (exit, text) = await NodeProcess.RunCliAsync(TimeSpan.FromSeconds(60), "relay", "--from", "127.0.0.1:1", "--trigger", file);
            Assert.Equal(2, exit);
            Assert.Contains("must be a plain identifier", text, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>A seeded mix of hash and string writes on user:* keys (and other keys the triggers skip): at least <paramref name="count"/>, until stopped.</summary>
    private static async Task<int> WriteAsync(int port, int seed, int count, CancellationToken stop)
    {
        var random = new Random(seed);
        await using var connection = await RespConnection.ConnectAsync("127.0.0.1", port, TimeSpan.FromSeconds(10), CancellationToken.None);
        var i = 0;
        for (; i < count || !stop.IsCancellationRequested; i++)
        {
            var user = $"user:{random.Next(60)}";
            string[] command = random.Next(100) switch
            {
                < 40 => ["HSET", user, .. Enumerable.Range(0, random.Next(1, 4)).SelectMany(_ => new[] { Fields[random.Next(Fields.Length)], $"v{i}" })],
                < 55 => ["HDEL", user, Fields[random.Next(Fields.Length)]],
                < 62 => ["DEL", user],
                < 82 => ["SET", $"user:s{random.Next(20)}", $"s{i}"],
                < 88 => ["DEL", $"user:s{random.Next(20)}"],
                _ => ["SET", $"other:{random.Next(10)}", $"o{i}"],
            };
            var reply = await connection.CommandAsync(CancellationToken.None, command);
            Assert.NotEqual(Resp.RespValueKind.Error, reply.Kind);
        }
        return i;
    }

    /// <summary>Each user:* key as its fields ("value" for a string).</summary>
    private static async Task<Dictionary<string, Dictionary<string, string>>> ChorusStateAsync(ProcessCluster cluster, string leader) =>
        await RespStateAsync(cluster[leader].Port);

    private static Task<Dictionary<string, Dictionary<string, string>>> RedisStateAsync(int port) => RespStateAsync(port);

    private static async Task<Dictionary<string, Dictionary<string, string>>> RespStateAsync(int port)
    {
        await using var connection = await RespConnection.ConnectAsync("127.0.0.1", port, TimeSpan.FromSeconds(10), CancellationToken.None);
        var state = new Dictionary<string, Dictionary<string, string>>();
        foreach (var key in (await connection.CommandAsync(CancellationToken.None, "KEYS", "user:*")).Items.Select(k => k.AsString()!))
        {
            var type = (await connection.CommandAsync(CancellationToken.None, "TYPE", key)).AsString();
            state[key] = type == "string"
                ? new Dictionary<string, string> { ["value"] = (await connection.CommandAsync(CancellationToken.None, "GET", key)).AsString()! }
                : Pairs((await connection.CommandAsync(CancellationToken.None, "HGETALL", key)).Items.Select(v => v.AsString()!).ToList());
        }
        return state;
    }

    private static Dictionary<string, string> Pairs(List<string> flat) =>
        Enumerable.Range(0, flat.Count / 2).ToDictionary(i => flat[2 * i], i => flat[2 * i + 1]);

    /// <summary>The PostgreSQL trigger's projection; a row the projection leaves empty counts as absent.</summary>
    private static Dictionary<string, Dictionary<string, string>> Projected(Dictionary<string, Dictionary<string, string>> state) =>
        state.Select(s => (s.Key, Fields: s.Value.Where(f => f.Key != "secret").ToDictionary(f => f.Key == "name" ? "full_name" : f.Key, f => f.Value)))
            .Where(s => s.Fields.Count > 0)
            .ToDictionary(s => s.Key, s => s.Fields);

    private static async Task<Dictionary<string, Dictionary<string, string>>> PostgresStateAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT key, fields::text FROM users", connection);
        await using var reader = await query.ExecuteReaderAsync();
        var state = new Dictionary<string, Dictionary<string, string>>();
        while (await reader.ReadAsync())
        {
            var fields = JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(1))!;
            if (fields.Count > 0)
            {
                state[reader.GetString(0)] = fields;
            }
        }
        return state;
    }

    private static string Show(Dictionary<string, Dictionary<string, string>> state) =>
        string.Join('\n', state.OrderBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => $"{s.Key} = {string.Join(", ", s.Value.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}:{f.Value}"))}"));

    /// <summary>The position a relay saved (0: none yet).</summary>
    internal static ulong Position(string file)
    {
        try
        {
            return File.Exists(file) ? ulong.Parse(File.ReadAllText(file).Split(' ')[0], CultureInfo.InvariantCulture) : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
