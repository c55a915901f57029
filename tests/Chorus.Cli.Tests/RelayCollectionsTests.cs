using System.Globalization;
using System.Text.Json;
using Chorus.Cli.Tests.Support;
using Chorus.Client;
using Npgsql;

namespace Chorus.Cli.Tests;

/// <summary>
/// The relay carries sets and sorted sets to Redis and PostgreSQL, and byte patches (APPEND,
/// SETRANGE, SETBIT) and expiries (EXPIRE, PERSIST) to Redis (docs/relay.md): after a seeded
/// workload the Redis target holds every key as Chorus does — members, scores, bytes and expiry
/// times — and the PostgreSQL table every set and sorted set.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class RelayCollectionsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Sets_sorted_sets_patches_and_expiries_reach_the_targets_as_chorus_has_them()
    {
        var seed = Environment.GetEnvironmentVariable("CHORUS_RELAY_SEED") is { } fixedSeed ? int.Parse(fixedSeed, CultureInfo.InvariantCulture) : new Random().Next();
        output.WriteLine($"seed {seed} (CHORUS_RELAY_SEED={seed} repeats this workload)");
        var random = new Random(seed);
        var cancellation = TestContext.Current.CancellationToken;
        await using var postgres = await PostgresServer.StartAsync(cancellation);
        await using var redis = await RedisServer.StartAsync(cancellation);
        await using var cluster = await ProcessCluster.StartAsync(1);
        var leader = await cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(30));
        var triggers = Path.Combine(cluster.Root, "triggers.json");
        await File.WriteAllTextAsync(triggers, JsonSerializer.Serialize(new
        {
            triggers = new object[]
            {
                new { name = "collections-to-postgres", pattern = "c:*", target = new { kind = "postgres", connection = postgres.ConnectionString, table = "collections" } },
                new { name = "all-to-redis", pattern = "*", target = new { kind = "redis", endpoint = $"127.0.0.1:{redis.Port}" } },
                new
                {
                    name = "people-to-postgres", pattern = "person:*",
                    project = new { rename = new Dictionary<string, string> { ["email"] = "mail" }, transform = new Dictionary<string, string> { ["email"] = "lower", ["name"] = "trim", ["ssn"] = "sha256", ["phone"] = "redact" } },
                    target = new { kind = "postgres", connection = postgres.ConnectionString, table = "people" },
                },
            },
        }), cancellation);

        var written = await WriteAsync(cluster[leader].Port, random, 1500);
        await using (var people = await RespConnection.ConnectAsync("127.0.0.1", cluster[leader].Port, TimeSpan.FromSeconds(10), cancellation))
        {
            await people.CommandAsync(cancellation, "HSET", "person:1", "email", "Ada@Example.COM", "name", "  Ada ", "ssn", "123", "phone", "555", "city", "Paris");
            await people.CommandAsync(cancellation, "HSET", "person:1", "email", "ADA@example.org");
        }
        var last = await cluster.LastLsnAsync(leader);
        using var relay = NodeProcess.StartCli(["relay", "--from", $"127.0.0.1:{cluster[leader].Port}", "--trigger", triggers, "--batch", "100"]);
        try
        {
            await ProcessCluster.Eventually(() => Task.FromResult(RelayTests.Position(triggers + ".position") > last), TimeSpan.FromSeconds(120), $"the relay delivered everything through LSN {last}");
            var expected = await RespStateAsync(cluster[leader].Port);
            Assert.Equal(Show(expected), Show(await RespStateAsync(redis.Port)));
            var collections = expected.Where(k => k.Key.StartsWith("c:", StringComparison.Ordinal)).ToDictionary(k => k.Key, k => k.Value.Members);
            Assert.Equal(Show(collections), Show(await PostgresStateAsync(postgres.ConnectionString)));
            Assert.DoesNotContain("'set-members' changes are not relayed", relay.Output, StringComparison.Ordinal);
            // Transformed by their field at the source, then renamed (docs/relay.md, project.transform).
            var person = JsonSerializer.Deserialize<SortedDictionary<string, string>>(await ScalarAsync(postgres.ConnectionString, "SELECT fields::text FROM people WHERE key = 'person:1'") ?? "{}")!;
            Assert.Equal(
                "city=Paris mail=ada@example.org name=Ada phone=*** ssn=a665a45920422f9d417e4867efdc4fb8a04a1f3fff1fa07e998e86f7f7a27ae3",
                string.Join(' ', person.Select(f => $"{f.Key}={f.Value}")));
            Assert.Contains("collections-to-postgres: 'expire' changes are not relayed", relay.Output, StringComparison.Ordinal); // PostgreSQL rows have no expiry: said, not silent
            output.WriteLine($"{written} writes; {expected.Count} keys equal in Chorus and Redis ({expected.Count(k => k.Value.ExpiresAtMs > 0)} with an expiry), {collections.Count} sets and sorted sets in PostgreSQL");
        }
        finally
        {
            await relay.KillAsync();
            output.WriteLine(relay.Output);
        }
    }

    /// <summary>A seeded mix of set, sorted-set, byte-patch and expiry writes.</summary>
    private static async Task<int> WriteAsync(int port, Random random, int count)
    {
        await using var connection = await RespConnection.ConnectAsync("127.0.0.1", port, TimeSpan.FromSeconds(10), CancellationToken.None);
        for (var i = 0; i < count; i++)
        {
            var set = $"c:set:{random.Next(8)}";
            var zset = $"c:zset:{random.Next(8)}";
            var text = $"s:{random.Next(8)}";
            var member = $"m{random.Next(12)}";
            string[] command = random.Next(100) switch
            {
                < 20 => ["SADD", set, member, $"m{random.Next(12)}"],
                < 28 => ["SREM", set, member],
                < 31 => ["SPOP", set],
                < 50 => ["ZADD", zset, (random.Next(-50, 50) / 4.0).ToString("R", CultureInfo.InvariantCulture), member],
                < 56 => ["ZINCRBY", zset, "1.5", member],
                < 62 => ["ZREM", zset, member],
                < 64 => ["ZADD", zset, random.Next(2) == 0 ? "inf" : "-inf", member],
                < 72 => ["APPEND", text, $"a{i}"],
                < 78 => ["SETRANGE", text, random.Next(0, 12).ToString(CultureInfo.InvariantCulture), $"r{i}"],
                < 82 => ["SETBIT", text, random.Next(0, 64).ToString(CultureInfo.InvariantCulture), random.Next(2).ToString(CultureInfo.InvariantCulture)],
                < 88 => ["EXPIRE", random.Next(3) switch { 0 => set, 1 => zset, _ => text }, random.Next(1000, 100000).ToString(CultureInfo.InvariantCulture)],
                < 92 => ["PERSIST", random.Next(2) == 0 ? set : text],
                < 95 => ["DEL", random.Next(2) == 0 ? zset : text],
                _ => ["SET", text, $"v{i}"],
            };
            var reply = await connection.CommandAsync(CancellationToken.None, command);
            Assert.NotEqual(Resp.RespValueKind.Error, reply.Kind);
        }
        return count;
    }

    internal sealed record KeyState(string Type, SortedDictionary<string, string> Members, long ExpiresAtMs);

    /// <summary>Every key matching <paramref name="pattern"/>: its type, its members (a string's bytes as hex under "value"; a set member's value empty; a sorted set's score; a hash's fields) and its expiry time.</summary>
    internal static async Task<Dictionary<string, KeyState>> RespStateAsync(int port, string pattern = "*")
    {
        await using var connection = await RespConnection.ConnectAsync("127.0.0.1", port, TimeSpan.FromSeconds(10), CancellationToken.None);
        var state = new Dictionary<string, KeyState>();
        foreach (var key in (await connection.CommandAsync(CancellationToken.None, "KEYS", pattern)).Items.Select(k => k.AsString()!))
        {
            var type = (await connection.CommandAsync(CancellationToken.None, "TYPE", key)).AsString()!;
            var members = new SortedDictionary<string, string>(StringComparer.Ordinal);
            switch (type)
            {
                case "string":
                    members["value"] = Convert.ToHexString((await connection.CommandAsync(CancellationToken.None, "GET", key)).Bytes.Span);
                    break;
                case "set":
                    foreach (var m in (await connection.CommandAsync(CancellationToken.None, "SMEMBERS", key)).Items)
                    {
                        members[m.AsString()!] = "";
                    }
                    break;
                case "zset":
                    var flat = (await connection.CommandAsync(CancellationToken.None, "ZRANGE", key, "0", "-1", "WITHSCORES")).Items.Select(v => v.AsString()!).ToList();
                    for (var i = 0; i + 1 < flat.Count; i += 2)
                    {
                        members[flat[i]] = Score(flat[i + 1]);
                    }
                    break;
                case "hash":
                    var pairs = (await connection.CommandAsync(CancellationToken.None, "HGETALL", key)).Items.Select(v => v.AsString()!).ToList();
                    for (var i = 0; i + 1 < pairs.Count; i += 2)
                    {
                        members[pairs[i]] = pairs[i + 1];
                    }
                    break;
            }
            var expiresAt = (await connection.CommandAsync(CancellationToken.None, "PEXPIRETIME", key)).AsInteger();
            state[key] = new KeyState(type, members, Math.Max(0, expiresAt));
        }
        return state;
    }

    private static async Task<string?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand(sql, connection);
        return (string?)await query.ExecuteScalarAsync();
    }

    [Fact]
    public async Task An_unknown_value_transform_is_refused_with_the_known_ones()
    {
        var directory = Directory.CreateTempSubdirectory("chorus-relay-").FullName;
        try
        {
            var file = Path.Combine(directory, "triggers.json");
            await File.WriteAllTextAsync(file, """{"triggers":[{"name":"t","pattern":"user:*","project":{"transform":{"email":"rot13"}},"target":{"kind":"redis","endpoint":"127.0.0.1:1"}}]}""", TestContext.Current.CancellationToken);
            var (exit, text) = await NodeProcess.RunCliAsync(TimeSpan.FromSeconds(60), "relay", "--from", "127.0.0.1:1", "--trigger", file);
            Assert.Equal(2, exit);
            Assert.Contains("t: unknown transform \"rot13\" for \"email\" (known: lower, upper, trim, sha256, redact)", text, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Each row's fields as text: a set member's value empty, a sorted set's score as a number's text ("inf" as is).</summary>
    private static async Task<Dictionary<string, SortedDictionary<string, string>>> PostgresStateAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT key, fields::text FROM collections", connection);
        await using var reader = await query.ExecuteReaderAsync();
        var state = new Dictionary<string, SortedDictionary<string, string>>();
        while (await reader.ReadAsync())
        {
            var fields = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var field in JsonDocument.Parse(reader.GetString(1)).RootElement.EnumerateObject())
            {
                fields[field.Name] = field.Value.ValueKind switch
                {
                    JsonValueKind.True => "",
                    JsonValueKind.Number => Score(field.Value.GetDouble().ToString("R", CultureInfo.InvariantCulture)),
                    _ => Score(field.Value.GetString()!),
                };
            }
            state[reader.GetString(0)] = fields;
        }
        return state;
    }

    private static string Score(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value.ToString("R", CultureInfo.InvariantCulture) : text;

    internal static string Show(Dictionary<string, KeyState> state) =>
        string.Join('\n', state.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key} {s.Value.Type} expires {s.Value.ExpiresAtMs} = {string.Join(", ", s.Value.Members.Select(f => $"{f.Key}:{f.Value}"))}"));

    private static string Show(Dictionary<string, SortedDictionary<string, string>> state) =>
        string.Join('\n', state.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key} = {string.Join(", ", s.Value.Select(f => $"{f.Key}:{f.Value}"))}"));
}
