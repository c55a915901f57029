using System.Globalization;
using System.Text.Json;
using Chorus.Cli.Tests.Support;
using Chorus.Client;

namespace Chorus.Cli.Tests;

/// <summary>
/// Issue 13, "a target — another Chorus cluster": `chorus relay` with <c>target.kind = "chorus"</c>
/// copies the keys of a pattern from one Chorus cluster into another (docs/relay.md), both before
/// the relay starts and while it follows live writes. One node each keeps it cheap: the relay
/// reads the source's CDC and writes the target over RESP, whatever their size.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class RelayToChorusTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_chorus_target_ends_equal_to_the_source_for_the_filtered_keys()
    {
        var seed = Environment.GetEnvironmentVariable("CHORUS_RELAY_SEED") is { } fixedSeed ? int.Parse(fixedSeed, CultureInfo.InvariantCulture) : new Random().Next();
        output.WriteLine($"seed {seed} (CHORUS_RELAY_SEED={seed} repeats this workload)");
        var random = new Random(seed);
        var cancellation = TestContext.Current.CancellationToken;
        await using var source = await ProcessCluster.StartAsync(1);
        await using var target = await ProcessCluster.StartAsync(1);
        var triggers = Path.Combine(source.Root, "triggers.json");
        await File.WriteAllTextAsync(triggers, JsonSerializer.Serialize(new
        {
            triggers = new object[] { new { name = "orders-to-dr", pattern = "order:*", target = new { kind = "chorus", endpoint = $"127.0.0.1:{target["n1"].Port}" } } },
        }), cancellation);

        await using var writer = await RespConnection.ConnectAsync("127.0.0.1", source["n1"].Port, TimeSpan.FromSeconds(10), cancellation);
        var before = await WriteAsync(writer, random, 300);
        using var relay = NodeProcess.StartCli(["relay", "--from", $"127.0.0.1:{source["n1"].Port}", "--trigger", triggers, "--batch", "50"]);
        try
        {
            var during = await WriteAsync(writer, random, 300); // while the relay follows
            // One key surely a hash with an expiry, whatever the seed chose last.
            await writer.CommandAsync(cancellation, "HSET", "order:final", "item", "last");
            await writer.CommandAsync(cancellation, "PEXPIRE", "order:final", "600000");
            var last = await source.LastLsnAsync("n1");
            await ProcessCluster.Eventually(() => Task.FromResult(RelayTests.Position(triggers + ".position") > last), TimeSpan.FromSeconds(120), $"the relay delivered everything through LSN {last}");

            var expected = await RelayCollectionsTests.RespStateAsync(source["n1"].Port, "order:*");
            Assert.Equal(RelayCollectionsTests.Show(expected), RelayCollectionsTests.Show(await RelayCollectionsTests.RespStateAsync(target["n1"].Port)));
            Assert.True(expected["order:final"] is { Type: "hash", ExpiresAtMs: > 0 }, "the last hash and its expiry are among what is compared");
            output.WriteLine($"{before} writes before the relay started, {during} while it ran; {expected.Count} order:* keys equal in both clusters, and no other key in the target");
        }
        finally
        {
            await relay.KillAsync();
            output.WriteLine(relay.Output);
        }
    }

    /// <summary>A seeded mix of hash, string, set, sorted-set, expiry and deletion writes on order:* keys, and writes to other keys the trigger leaves out.</summary>
    private static async Task<int> WriteAsync(RespConnection connection, Random random, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var order = $"order:{random.Next(20)}";
            string[] command = random.Next(100) switch
            {
                < 30 => ["HSET", order, "item", $"i{random.Next(50)}", "quantity", random.Next(1, 9).ToString(CultureInfo.InvariantCulture)],
                < 38 => ["HDEL", order, "quantity"],
                < 50 => ["SET", $"order:total:{random.Next(10)}", random.Next(1000).ToString(CultureInfo.InvariantCulture)],
                < 56 => ["APPEND", $"order:note:{random.Next(5)}", $"n{i};"],
                < 66 => ["SADD", $"order:tags:{random.Next(5)}", $"t{random.Next(8)}"],
                < 70 => ["SREM", $"order:tags:{random.Next(5)}", $"t{random.Next(8)}"],
                < 78 => ["ZADD", "order:ranking", random.Next(100).ToString(CultureInfo.InvariantCulture), order],
                < 84 => ["EXPIRE", $"order:total:{random.Next(10)}", random.Next(1000, 100000).ToString(CultureInfo.InvariantCulture)],
                < 90 => ["DEL", order],
                _ => ["SET", $"invoice:{random.Next(10)}", $"v{i}"],
            };
            var reply = await connection.CommandAsync(CancellationToken.None, command);
            Assert.NotEqual(Resp.RespValueKind.Error, reply.Kind);
        }
        return count;
    }
}
