using Chorus.Client;
using Chorus.Commands.Leaderless;
using Chorus.Resp;
using Chorus.Server.Configuration;
using Chorus.Server.Tests.Security;
using Chorus.Server.Tests.Support;
using StackExchange.Redis;

namespace Chorus.Server.Tests.Leaderless;

/// <summary>A one-node leaderless cluster (N = W = R = 1) in this process: the RESP edge of the family.</summary>
public sealed class LeaderlessNode : SingleNode
{
    protected override void Configure(ChorusOptions options)
    {
        options.Family = "leaderless";
        options.Leaderless.N = 1;
        options.Leaderless.W = 1;
        options.Leaderless.R = 1;
    }
}

/// <summary>
/// What a leaderless node refuses, and how: a leaderless key holds a versioned string in database
/// 0, so collections, other databases and the single-leader read guarantees get a clear error at
/// the RESP edge — never an answer that silently means something else (docs/leaderless.md,
/// "Commands").
/// </summary>
public sealed class LeaderlessEdgeTests(LeaderlessNode node) : IClassFixture<LeaderlessNode>
{
    [Fact]
    public async Task Strings_are_served_through_the_quorum_path()
    {
        using var raw = await Raw.ConnectAsync(node.Port);
        Assert.Equal("+OK", await raw.LineAsync("SET", "edge:s", "v1"));
        Assert.Equal("v1", await raw.BulkAsync("GET", "edge:s"));
        Assert.Equal(":1", await raw.LineAsync("DEL", "edge:s"));
        Assert.Equal("$-1", await raw.LineAsync("GET", "edge:s"));
    }

    /// Collections would need per-element versions to merge concurrent writes; until then they are
    /// refused rather than stored unversioned (which replicas could never reconcile).
    [Theory]
    [InlineData("HSET", "edge:h", "f", "v")]
    [InlineData("SADD", "edge:set", "m")]
    [InlineData("LPUSH", "edge:l", "x")]
    [InlineData("ZADD", "edge:z", "1", "m")]
    [InlineData("INCR", "edge:n")]
    [InlineData("GETEX", "edge:s", "EX", "10")]
    [InlineData("SWAPDB", "0", "1")]
    [InlineData("MOVE", "edge:s", "1")]
    [InlineData("FLUSHALL")]
    public async Task Collections_and_other_data_commands_are_refused_with_a_clear_error(params string[] command)
    {
        using var raw = await Raw.ConnectAsync(node.Port);
        var reply = await raw.LineAsync(command);
        Assert.Equal($"-ERR '{command[0].ToLowerInvariant()}' is not supported by the leaderless family (it serves GET, MGET, EXISTS, SET, DEL, UNLINK, the EXPIRE and TTL families, PERSIST, CHORUS.GETV and CHORUS.PUTV)", reply);
    }

    /// Issue 12: concurrent writes become siblings; a plain read gets one value plus a flag. Two
    /// blind writes (no context) are concurrent even through one node.
    [Fact]
    public async Task A_plain_read_of_a_key_with_siblings_flags_them_to_resp3_clients()
    {
        await using var client = await RespConnection.ConnectAsync("127.0.0.1", node.Port, TimeSpan.FromSeconds(10), CancellationToken.None);
        var none = CancellationToken.None;
        Assert.False((await client.CommandAsync(none, "CHORUS.PUTV", "edge:cart", "", "milk")).IsError);
        Assert.False((await client.CommandAsync(none, "CHORUS.PUTV", "edge:cart", "", "eggs")).IsError);
        Assert.Null((await client.CommandAsync(none, "GET", "edge:cart")).Attributes); // RESP2: the value only

        Assert.False((await client.CommandAsync(none, "HELLO", "3")).IsError);
        var flagged = await client.CommandAsync(none, "GET", "edge:cart");
        Assert.Equal("eggs", flagged.AsString());
        Assert.Equal(["siblings", "2"], flagged.Attributes!.Items.Select(i => i.Kind == RespValueKind.Integer ? i.Integer.ToString(System.Globalization.CultureInfo.InvariantCulture) : i.AsString()!));
        var many = await client.CommandAsync(none, "MGET", "edge:cart", "edge:none");
        Assert.NotNull(many.Items[0].Attributes);
        Assert.Null(many.Items[1].Attributes);

        // A RESP3 client that knows nothing of the attribute still reads the value.
        var options = SingleNode.Configuration(node.Port, RedisProtocol.Resp3);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
        Assert.Equal("eggs", (string?)await redis.GetDatabase().StringGetAsync("edge:cart"));
    }

    [Fact]
    public async Task Only_database_0_can_be_selected()
    {
        using var raw = await Raw.ConnectAsync(node.Port);
        Assert.Equal("-" + LeaderlessCommands.DatabaseRefused, await raw.LineAsync("SELECT", "1"));
        Assert.Equal("+OK", await raw.LineAsync("SET", "edge:db", "zero"));
        Assert.Equal("zero", await raw.BulkAsync("GET", "edge:db"));
        Assert.Equal("+OK", await raw.LineAsync("SELECT", "0"));
        Assert.Equal("-ERR DB index is out of range", await raw.LineAsync("SELECT", "16"));
    }

    [Fact]
    public async Task Read_guarantees_of_the_single_leader_family_are_refused()
    {
        using var raw = await Raw.ConnectAsync(node.Port);
        Assert.Equal("-" + LeaderlessCommands.ReadGuaranteesRefused, await raw.LineAsync("CHORUS.CONSISTENCY", "strong"));
        Assert.Equal("-" + LeaderlessCommands.ReadGuaranteesRefused, await raw.LineAsync("CHORUS.READ", "strong", "GET", "k"));
    }
}
