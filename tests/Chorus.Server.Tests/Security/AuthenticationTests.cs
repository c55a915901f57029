using Chorus.Server.Configuration;
using Chorus.Server.Tests.Support;
using StackExchange.Redis;

namespace Chorus.Server.Tests.Security;

/// <summary>A node with requirepass set, as Redis's; its clients authenticate with the password.</summary>
public sealed class PasswordNode : SingleNode
{
    public const string Password = "correct horse battery staple";

    protected override void Configure(ChorusOptions options) => options.RequirePass = Password;

    protected override void ConfigureClient(ConfigurationOptions client) => client.Password = Password;
}

/// <summary>
/// Issue 17, finding 6: any client could take the cluster over (CHORUS.NODE ADD, CHORUS.ELECT,
/// FLUSHALL, CONFIG SET chorus-ack async). With requirepass set, a client without credentials
/// gets NOAUTH on every command but AUTH and HELLO, with Redis 7.0's exact replies.
/// </summary>
public sealed class AuthenticationTests(PasswordNode node) : IClassFixture<PasswordNode>
{
    [Fact]
    public async Task Without_credentials_every_command_but_auth_hello_and_quit_gets_noauth()
    {
        using var raw = await Raw.ConnectAsync(node.Port);
        string[][] commands =
        [
            ["PING"], ["GET", "k"], ["SET", "k", "v"], ["FLUSHALL"], ["CONFIG", "SET", "chorus-ack", "async"],
            ["CHORUS.NODE", "ADD", "rogue", "127.0.0.1:1", "127.0.0.1:2"], ["CHORUS.ELECT"], ["FAILOVER"], ["ACL", "WHOAMI"], ["INFO"],
            ["CLIENT", "SETNAME", "x"], ["NOSUCHCOMMAND"],
        ];
        foreach (var command in commands)
        {
            var reply = await raw.LineAsync(command);
            Assert.True(reply == "-NOAUTH Authentication required." || (command[0] == "NOSUCHCOMMAND" && reply.StartsWith("-ERR unknown command", StringComparison.Ordinal)), $"{string.Join(' ', command)}: {reply}");
        }
        Assert.Equal("-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time", await raw.LineAsync("HELLO", "3"));
        Assert.Equal("-WRONGPASS invalid username-password pair or user is disabled.", await raw.LineAsync("AUTH", "wrong"));
        Assert.Equal("-WRONGPASS invalid username-password pair or user is disabled.", await raw.LineAsync("AUTH", "default", "wrong"));
        Assert.Equal("-NOAUTH Authentication required.", await raw.LineAsync("GET", "k"));
        Assert.Equal("+OK", await raw.LineAsync("AUTH", PasswordNode.Password));
        Assert.Equal("$-1", await raw.LineAsync("GET", "auth:missing"));
        Assert.Equal("default", await raw.BulkAsync("ACL", "WHOAMI"));
    }

    [Fact]
    public async Task Hello_with_auth_authenticates_and_switches_protocol_in_one_step()
    {
        using var raw = await Raw.ConnectAsync(node.Port);
        Assert.Equal("-WRONGPASS invalid username-password pair or user is disabled.", await raw.LineAsync("HELLO", "3", "AUTH", "default", "nope"));
        Assert.Equal("%7", await raw.LineAsync("HELLO", "3", "AUTH", "default", PasswordNode.Password));
    }

    [Fact]
    public async Task StackExchange_redis_connects_with_the_password_and_is_refused_without_it()
    {
        Assert.True(await node.Db.StringSetAsync("auth:se", "yes"));
        Assert.Equal("yes", await node.Db.StringGetAsync("auth:se"));
        var anonymous = SingleNode.Configuration(node.Port);
        anonymous.ConnectTimeout = 2000;
        anonymous.AbortOnConnectFail = true;
        var error = await Assert.ThrowsAsync<RedisConnectionException>(() => ConnectionMultiplexer.ConnectAsync(anonymous));
        Assert.Contains("authentication failure", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_failed_auth_is_in_the_acl_log()
    {
        using var raw = await Raw.ConnectAsync(node.Port);
        await raw.LineAsync("AUTH", "nobody", "guess");
        var server = node.Redis.GetServer("127.0.0.1", node.Port);
        var log = (RedisResult[])(await server.ExecuteAsync("ACL", "LOG"))!;
        var entries = log.Select(e => ((RedisResult[])e!).Chunk(2).ToDictionary(p => (string)p[0]!, p => p[1].ToString())).ToList();
        Assert.Contains(entries, e => e["reason"] == "auth" && e["username"] == "nobody" && e["object"] == "AUTH");
    }

    [Fact]
    public async Task Config_set_requirepass_changes_the_password_and_keeps_existing_connections()
    {
        var server = node.Redis.GetServer("127.0.0.1", node.Port);
        await server.ConfigSetAsync("requirepass", "second");
        try
        {
            using var raw = await Raw.ConnectAsync(node.Port);
            Assert.Equal("-WRONGPASS invalid username-password pair or user is disabled.", await raw.LineAsync("AUTH", PasswordNode.Password));
            Assert.Equal("+OK", await raw.LineAsync("AUTH", "second"));
            Assert.Equal("second", (await server.ConfigGetAsync("requirepass")).Single().Value);
        }
        finally
        {
            await server.ConfigSetAsync("requirepass", PasswordNode.Password);
        }
    }
}
