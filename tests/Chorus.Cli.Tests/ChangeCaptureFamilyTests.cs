using System.Globalization;
using System.Text.Json;
using Chorus.Cli.Tests.Support;
using Chorus.Resp;

namespace Chorus.Cli.Tests;

/// <summary>
/// Change data capture beyond a single leader (docs/cdc.md), with real processes: a multi-leader
/// site serves its own log — every change it applied, its own and other sites', each tagged with
/// its origin site, its number there and what it depends on — and a leaderless node serves the
/// versions it stored, with their dots and causal context.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class ChangeCaptureFamilyTests(ITestOutputHelper output)
{
    /// Per-site order: each site serves every change once, each origin's changes in their order
    /// there, and a change after the ones it depends on; the two sites end with the same changes.
    [Fact]
    public async Task A_site_serves_every_change_it_applied_with_its_origin_in_causal_order()
    {
        await using var sites = await SiteProcesses.StartAsync(2);
        Assert.Equal("OK", (await sites.CommandAsync("s1", "SET", "doc", "draft")).AsString());
        Assert.Equal("OK", (await sites.CommandAsync("s1", "SET", "doc", "final")).AsString());
        await sites.WaitForValueAsync("doc", "final");
        // s2 writes after it saw both of s1's changes: its change depends on them.
        Assert.Equal(1, (await sites.CommandAsync("s2", "HSET", "review", "doc", "ok")).AsInteger());
        await ProcessCluster.Eventually(async () => (await sites.CommandAsync("s1", "HGET", "review", "doc")).AsString() == "ok", TimeSpan.FromSeconds(60), "s1 has s2's review");

        foreach (var site in new[] { "s1", "s2" })
        {
            var history = await ReadHistoryAsync(command => sites.CommandAsync(site, command), events: 3);
            output.WriteLine($"{site}: {string.Join(" | ", history.Select(e => e.GetRawText()))}");
            Assert.Equal(["s1:1 doc", "s1:2 doc", "s2:1 review"], history.Select(e => $"{e.GetProperty("origin").GetString()}:{e.GetProperty("seq").GetUInt64()} {e.GetProperty("key").GetString()}"));
            Assert.Equal(2UL, history[2].GetProperty("deps").GetProperty("s1").GetUInt64());
            Assert.Equal("final", history[1].GetProperty("after").GetString());
            Assert.Equal("draft", history[1].GetProperty("before").GetString());
            Assert.Equal("ok", history[2].GetProperty("fields")[0].GetProperty("after").GetString());
        }
    }

    /// Per-key order with versions: a replica serves each key's versions as it stored them, each
    /// with the key's causal context and every sibling's dot; a deletion is a tombstone version.
    [Fact]
    public async Task A_leaderless_node_serves_the_versions_it_stored_with_dots_and_context()
    {
        await using var cluster = await ProcessCluster.StartLeaderlessAsync(3, "--n", "3", "--w", "3", "--r", "1", "--Leaderless:RequestTimeoutMs=5000");
        Assert.Equal("OK", (await cluster.CommandAsync("n1", "SET", "cart", "apple")).AsString());
        Assert.Equal("OK", (await cluster.CommandAsync("n2", "SET", "cart", "pear")).AsString());
        Assert.False((await cluster.CommandAsync("n1", "DEL", "cart")).IsError);

        // W = N: every replica stored each write before it was acknowledged, so n3 has all three.
        var history = await ReadHistoryAsync(command => cluster.CommandAsync("n3", command), events: 3);
        output.WriteLine(string.Join("\n", history.Select(e => e.GetRawText())));
        Assert.All(history, e => Assert.Equal("cart", e.GetProperty("key").GetString()));
        Assert.Equal(("set", "apple"), (history[0].GetProperty("op").GetString(), history[0].GetProperty("after").GetString()));
        Assert.Contains(history, e => e.GetProperty("op").GetString() == "set" && e.GetProperty("after").GetString() == "pear");
        var last = history[^1];
        Assert.Equal("del", last.GetProperty("op").GetString());
        Assert.Equal(JsonValueKind.Null, last.GetProperty("after").ValueKind);
        Assert.Contains(last.GetProperty("siblings").EnumerateArray(), s => s.TryGetProperty("deleted", out var deleted) && deleted.GetBoolean());
        Assert.All(history, e => Assert.All(e.GetProperty("siblings").EnumerateArray(), s => Assert.Matches("^n[123](\\.[0-9a-f]+)?:[0-9]+$", s.GetProperty("dot").GetString())));
        // Each version stored succeeds the one before it on this replica: the context only grows.
        var contexts = history.Select(e => e.GetProperty("context").EnumerateObject().Sum(p => (long)p.Value.GetUInt64())).ToList();
        Assert.True(contexts.Zip(contexts.Skip(1)).All(p => p.First < p.Second), $"contexts grow: {string.Join(", ", contexts)}");
    }

    /// <summary>Every change event from LSN 1 on, reading (with a deadline) until there are <paramref name="events"/>.</summary>
    private static async Task<List<JsonElement>> ReadHistoryAsync(Func<string[], Task<RespValue>> command, int events)
    {
        var changes = new List<JsonElement>();
        ulong next = 1;
        await ProcessCluster.Eventually(async () =>
        {
            var reply = await command(["CHORUS.CDC", "READ", next.ToString(CultureInfo.InvariantCulture), "COUNT", "1000", "BLOCK", "500"]);
            Assert.False(reply.IsError, reply.IsError ? reply.AsString() : null);
            next = (ulong)reply.Items![0].AsInteger();
            changes.AddRange(reply.Items[3].Items!.Select(e => JsonDocument.Parse(e.AsString()!).RootElement.Clone()).Where(e => e.GetProperty("type").GetString() == "change"));
            return changes.Count >= events;
        }, TimeSpan.FromSeconds(60), $"{events} changes are served");
        return changes;
    }
}
