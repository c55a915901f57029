using System.Text.Json;
using Chorus.Cli.Tests.Support;
using Chorus.Client;
using Npgsql;

namespace Chorus.Cli.Tests;

/// <summary>
/// Issue 13, "Bad input: triggers with bad patterns or targets that refuse writes — clear
/// errors; a failing target holds the relay back with a visible lag, it never drops changes"
/// (docs/relay.md). Not an unreachable target (RelayTests covers that) but live ones that answer
/// "no": a PostgreSQL table whose constraint a row violates, a Redis server whose ACL forbids HSET.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class RelayRefusalTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_trigger_whose_pattern_is_not_a_valid_glob_is_refused_at_start_naming_the_trigger()
    {
        var directory = Directory.CreateTempSubdirectory("chorus-relay-").FullName;
        try
        {
            var file = Path.Combine(directory, "triggers.json");
            await File.WriteAllTextAsync(file, """{"triggers":[{"name":"ok","pattern":"user:[0-9]*","target":{"kind":"redis","endpoint":"127.0.0.1:1"}},{"name":"users","pattern":"user:[0-9","target":{"kind":"redis","endpoint":"127.0.0.1:1"}}]}""", TestContext.Current.CancellationToken);
            var (exit, text) = await NodeProcess.RunCliAsync(TimeSpan.FromSeconds(60), "relay", "--from", "127.0.0.1:1", "--trigger", file);
            Assert.Equal(2, exit);
            Assert.Contains("chorus relay: users: pattern \"user:[0-9\" has a '[' at offset 5 that opens a character class never closed by ']'", text, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_target_that_refuses_writes_holds_the_relay_at_its_position_until_it_accepts_them()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var postgres = await PostgresServer.StartAsync(cancellation);
        await using var redis = await RedisServer.StartAsync(cancellation);
        await using var cluster = await ProcessCluster.StartAsync(1);
        var port = cluster["n1"].Port;
        // The target's own schema demands an email: a user written without one violates it.
        await ExecuteAsync(postgres.ConnectionString,
            "CREATE TABLE users (key text PRIMARY KEY, fields jsonb NOT NULL, lsn bigint NOT NULL, idx int NOT NULL, CONSTRAINT email_required CHECK (fields ? 'email'))");
        var triggers = Path.Combine(cluster.Root, "triggers.json");
        await File.WriteAllTextAsync(triggers, JsonSerializer.Serialize(new
        {
            triggers = new object[]
            {
                new { name = "users-to-postgres", pattern = "user:*", target = new { kind = "postgres", connection = postgres.ConnectionString, table = "users" } },
                new { name = "users-to-redis", pattern = "user:*", target = new { kind = "redis", endpoint = $"127.0.0.1:{redis.Port}" } },
            },
        }), cancellation);

        await using var writer = await RespConnection.ConnectAsync("127.0.0.1", port, TimeSpan.FromSeconds(10), cancellation);
        await WriteUsersAsync(writer, 0, 30);
        await writer.CommandAsync(cancellation, "HSET", "user:vip", "name", "Ada"); // no email
        var refusedAt = await cluster.LastLsnAsync("n1");
        await WriteUsersAsync(writer, 30, 60);
        var positionFile = triggers + ".position";
        using var relay = NodeProcess.StartCli(["relay", "--from", $"127.0.0.1:{port}", "--trigger", triggers, "--batch", "10"]);
        try
        {
            // PostgreSQL refuses the batch holding user:vip: the relay says why, and how far behind it is.
            await ProcessCluster.Eventually(() => Task.FromResult(relay.Output.Contains("violates check constraint \"email_required\"", StringComparison.Ordinal)), TimeSpan.FromSeconds(60), "the relay reports PostgreSQL's refusal");
            var line = relay.Output.Split('\n').Last(l => l.Contains("email_required", StringComparison.Ordinal));
            output.WriteLine(line);
            Assert.Contains("users-to-postgres: postgres table users refused the batch: 23514:", line, StringComparison.Ordinal);
            Assert.Matches(@"lag [1-9]\d* entries", line);
            Assert.Matches(@"holding at LSN \d+, retrying", line);
            Assert.InRange(RelayTests.Position(positionFile), 0UL, refusedAt); // never past the refused change
            Assert.Null(await ScalarAsync(postgres.ConnectionString, "SELECT key FROM users WHERE key = 'user:vip'"));

            // Redis now refuses HSET (its ACL) before PostgreSQL relents: the relay holds at the same place.
            Assert.Equal("OK", (await RedisCommandAsync(redis.Port, "ACL", "SETUSER", "default", "-hset")).AsString());
            await ExecuteAsync(postgres.ConnectionString, "ALTER TABLE users DROP CONSTRAINT email_required");
            await ProcessCluster.Eventually(() => Task.FromResult(relay.Output.Contains("NOPERM", StringComparison.Ordinal)), TimeSpan.FromSeconds(60), "the relay reports Redis's refusal");
            line = relay.Output.Split('\n').Last(l => l.Contains("NOPERM", StringComparison.Ordinal));
            output.WriteLine(line);
            Assert.Contains($"users-to-redis: redis 127.0.0.1:{redis.Port} refused a write: NOPERM", line, StringComparison.Ordinal);
            Assert.Matches(@"holding at LSN \d+, retrying", line);
            Assert.InRange(RelayTests.Position(positionFile), 0UL, refusedAt);

            // Both accept again: the relay catches up, and nothing it held back is missing.
            Assert.Equal("OK", (await RedisCommandAsync(redis.Port, "ACL", "SETUSER", "default", "+hset")).AsString());
            var last = await cluster.LastLsnAsync("n1");
            await ProcessCluster.Eventually(() => Task.FromResult(RelayTests.Position(positionFile) > last), TimeSpan.FromSeconds(60), $"the relay delivered everything through LSN {last}");
            var expected = RelayCollectionsTests.Show(await RelayCollectionsTests.RespStateAsync(port, "user:*"));
            Assert.Equal(expected, RelayCollectionsTests.Show(await RelayCollectionsTests.RespStateAsync(redis.Port)));
            Assert.Equal(61L, await ScalarAsync(postgres.ConnectionString, "SELECT count(*) FROM users"));
            Assert.Equal("Ada", await ScalarAsync(postgres.ConnectionString, "SELECT fields->>'name' FROM users WHERE key = 'user:vip'"));
        }
        finally
        {
            await relay.KillAsync();
            output.WriteLine(relay.Output);
        }
    }

    private static async Task WriteUsersAsync(RespConnection writer, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            var reply = await writer.CommandAsync(CancellationToken.None, "HSET", $"user:{i}", "name", $"n{i}", "email", $"u{i}@example.org");
            Assert.NotEqual(Resp.RespValueKind.Error, reply.Kind);
        }
    }

    private static async Task<Resp.RespValue> RedisCommandAsync(int port, params string[] command)
    {
        await using var connection = await RespConnection.ConnectAsync("127.0.0.1", port, TimeSpan.FromSeconds(10), CancellationToken.None);
        return await connection.CommandAsync(CancellationToken.None, command);
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand(sql, connection);
        return await query.ExecuteScalarAsync();
    }
}
