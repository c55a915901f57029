using System.Net;
using Chorus.Server.Configuration;
using Chorus.Server.Security;
using Chorus.Server.Tests.Support;
using StackExchange.Redis;

namespace Chorus.Server.Tests.Security;

/// <summary>A node with an ACL file, so ACL SAVE and ACL LOAD have somewhere to go.</summary>
public sealed class AclNode : SingleNode
{
    public string AclPath => Path.Combine(Path.GetTempPath(), $"chorus-acl-{Port}.acl");

    protected override void Configure(ChorusOptions options)
    {
        File.WriteAllLines(AclPath, ["user default on nopass ~* &* +@all", "user ops on >ops-secret ~* +@all"]);
        options.AclFile = AclPath;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        File.Delete(AclPath);
    }
}

/// <summary>
/// Issue 17, "What to build": ACLs with Redis's model — users, SHA-256 passwords, on/off,
/// categories, key patterns — and Chorus's admin commands in @admin/@dangerous, so a user
/// without them cannot add nodes, elect leaders, fail over, flush or weaken acknowledgement.
/// Replies are Redis 7.0's, word for word.
/// </summary>
public sealed class AclTests(AclNode node) : IClassFixture<AclNode>
{
    private IServer Server => node.Redis.GetServer("127.0.0.1", node.Port);

    private async Task<Raw> AsAsync(string user, string password)
    {
        var raw = await Raw.ConnectAsync(node.Port);
        Assert.Equal("+OK", await raw.LineAsync("AUTH", user, password));
        return raw;
    }

    [Fact]
    public async Task A_reader_of_some_keys_may_read_them_and_nothing_else()
    {
        Assert.Equal("OK", (await Server.ExecuteAsync("ACL", "SETUSER", "alice", "on", ">alice-pw", "~app:*", "+@read", "-@dangerous")).ToString());
        await node.Db.StringSetAsync("app:1", "one");
        using var alice = await AsAsync("alice", "alice-pw");
        Assert.Equal("one", await alice.BulkAsync("GET", "app:1"));
        Assert.Equal("-NOPERM this user has no permissions to access one of the keys used as arguments", await alice.LineAsync("GET", "other"));
        Assert.Equal("-NOPERM this user has no permissions to run the 'set' command", await alice.LineAsync("SET", "app:1", "x"));
        Assert.Equal("-NOPERM this user has no permissions to run the 'flushall' command", await alice.LineAsync("FLUSHALL"));
        Assert.Equal("-NOPERM this user has no permissions to run the 'keys' command", await alice.LineAsync("KEYS", "*"));
        Assert.Equal("-NOPERM this user has no permissions to run the 'chorus.node|add' command", await alice.LineAsync("CHORUS.NODE", "ADD", "rogue", "127.0.0.1:1", "127.0.0.1:2"));
        Assert.Equal("-NOPERM this user has no permissions to run the 'chorus.elect' command", await alice.LineAsync("CHORUS.ELECT"));
        Assert.Equal("-NOPERM this user has no permissions to run the 'config|set' command", await alice.LineAsync("CONFIG", "SET", "chorus-ack", "async"));
        Assert.Equal("-NOPERM this user has no permissions to run the 'failover' command", await alice.LineAsync("FAILOVER"));
        // ACL WHOAMI is @slow, not @read: Redis refuses it to this user too.
        Assert.Equal("-NOPERM this user has no permissions to run the 'acl|whoami' command", await alice.LineAsync("ACL", "WHOAMI"));
        Assert.Equal("one", (await node.Db.StringGetAsync("app:1")).ToString());

        var log = (RedisResult[])(await Server.ExecuteAsync("ACL", "LOG", "20"))!;
        var entries = log.Select(e => ((RedisResult[])e!).Chunk(2).ToDictionary(p => (string)p[0]!, p => p[1].ToString())).ToList();
        Assert.Contains(entries, e => e["reason"] == "key" && e["object"] == "other" && e["username"] == "alice");
        Assert.Contains(entries, e => e["reason"] == "command" && e["object"] == "chorus.node|add" && e["username"] == "alice");
    }

    [Fact]
    public async Task Write_only_and_read_only_key_patterns()
    {
        await Server.ExecuteAsync("ACL", "SETUSER", "writer", "on", ">w", "%W~in:*", "%R~out:*", "+@all", "-@dangerous");
        using var writer = await AsAsync("writer", "w");
        Assert.Equal("+OK", await writer.LineAsync("SET", "in:1", "x"));
        Assert.Equal("-NOPERM this user has no permissions to access one of the keys used as arguments", await writer.LineAsync("GET", "in:1"));
        Assert.Equal("$-1", await writer.LineAsync("GET", "out:1"));
        Assert.Equal("-NOPERM this user has no permissions to access one of the keys used as arguments", await writer.LineAsync("SET", "out:1", "x"));
    }

    [Fact]
    public async Task Users_are_listed_described_switched_off_and_deleted_as_in_redis()
    {
        await Server.ExecuteAsync("ACL", "SETUSER", "bob", "on", ">bob-pw", "~cache:*", "+@read", "+@write", "-@dangerous", "-flushall");
        var user = (RedisResult[])(await Server.ExecuteAsync("ACL", "GETUSER", "bob"))!;
        var fields = user.Chunk(2).ToDictionary(p => (string)p[0]!, p => p[1]);
        Assert.Equal(["on"], (string[])fields["flags"]!);
        Assert.Equal([AclUser.Hash("bob-pw")], (string[])fields["passwords"]!);
        Assert.Equal("-@all +@read +@write -@dangerous -flushall", fields["commands"].ToString());
        Assert.Equal("~cache:*", fields["keys"].ToString());
        Assert.Contains("bob", ((string[])(await Server.ExecuteAsync("ACL", "USERS"))!));
        Assert.Contains($"user bob on #{AclUser.Hash("bob-pw")} ~cache:* resetchannels -@all +@read +@write -@dangerous -flushall", (string[])(await Server.ExecuteAsync("ACL", "LIST"))!);
        Assert.Equal("OK", (await Server.ExecuteAsync("ACL", "DRYRUN", "bob", "SET", "cache:1", "v")).ToString());
        Assert.Equal("This user has no permissions to run the 'flushall' command", (await Server.ExecuteAsync("ACL", "DRYRUN", "bob", "FLUSHALL")).ToString());
        Assert.Equal("This user has no permissions to access the 'x' key", (await Server.ExecuteAsync("ACL", "DRYRUN", "bob", "GET", "x")).ToString());

        using var bob = await AsAsync("bob", "bob-pw");
        Assert.Equal("+OK", await bob.LineAsync("SET", "cache:1", "v"));
        await Server.ExecuteAsync("ACL", "SETUSER", "bob", "off");
        Assert.Equal("-NOAUTH Authentication required.", await bob.LineAsync("GET", "cache:1"));
        Assert.Equal("-WRONGPASS invalid username-password pair or user is disabled.", await bob.LineAsync("AUTH", "bob", "bob-pw"));
        Assert.Equal(1, (int)(await Server.ExecuteAsync("ACL", "DELUSER", "bob", "nobody")));
        Assert.True((await Server.ExecuteAsync("ACL", "GETUSER", "bob")).IsNull);
        var error = await Assert.ThrowsAsync<RedisServerException>(() => Server.ExecuteAsync("ACL", "DELUSER", "default"));
        Assert.Equal("ERR The 'default' user cannot be removed", error.Message);
        error = await Assert.ThrowsAsync<RedisServerException>(() => Server.ExecuteAsync("ACL", "SETUSER", "carol", "bogus"));
        Assert.Equal("ERR Error in ACL SETUSER modifier 'bogus': Syntax error", error.Message);
    }

    [Fact]
    public async Task Chorus_admin_commands_are_admin_and_dangerous()
    {
        var dangerous = (string[])(await Server.ExecuteAsync("ACL", "CAT", "dangerous"))!;
        var admin = (string[])(await Server.ExecuteAsync("ACL", "CAT", "admin"))!;
        foreach (var command in new[] { "chorus.node", "chorus.elect", "failover", "config", "acl" })
        {
            Assert.Contains(command, dangerous);
            Assert.Contains(command, admin);
        }
        Assert.Contains("flushall", dangerous);
        Assert.Contains("flushdb", dangerous);
        Assert.DoesNotContain("get", dangerous);
        Assert.Contains("admin", (string[])(await Server.ExecuteAsync("ACL", "CAT"))!);
        Assert.Matches("^[0-9a-f]{64}$", (await Server.ExecuteAsync("ACL", "GENPASS")).ToString());
        Assert.Matches("^[0-9a-f]{8}$", (await Server.ExecuteAsync("ACL", "GENPASS", "32")).ToString());
    }

    [Fact]
    public async Task Acl_save_and_load_go_through_the_acl_file()
    {
        await Server.ExecuteAsync("ACL", "SETUSER", "saved", "on", ">saved-pw", "~s:*", "+get");
        Assert.Equal("OK", (await Server.ExecuteAsync("ACL", "SAVE")).ToString());
        Assert.Contains(File.ReadAllLines(node.AclPath), l => l == $"user saved on #{AclUser.Hash("saved-pw")} ~s:* resetchannels -@all +get");
        File.AppendAllLines(node.AclPath, ["user loaded on >loaded-pw ~* +ping"]);
        Assert.Equal("OK", (await Server.ExecuteAsync("ACL", "LOAD")).ToString());
        using (var loaded = await AsAsync("loaded", "loaded-pw"))
        {
            Assert.Equal("+PONG", await loaded.LineAsync("PING"));
            Assert.Equal("-NOPERM this user has no permissions to run the 'get' command", await loaded.LineAsync("GET", "k"));
        }
        File.AppendAllLines(node.AclPath, ["user broken on nonsense"]);
        var error = await Assert.ThrowsAsync<RedisServerException>(() => Server.ExecuteAsync("ACL", "LOAD"));
        Assert.Contains("Error in ACL SETUSER modifier 'nonsense'", error.Message);
        using var stillLoaded = await AsAsync("loaded", "loaded-pw");
        using var ops = await AsAsync("ops", "ops-secret");
        Assert.Equal("+OK", await ops.LineAsync("SET", "ops:k", "v"));
    }

    /// <summary>Redis's protected mode: no password for the default user means loopback clients only.</summary>
    [Fact]
    public void Protected_mode_refuses_remote_clients_only_while_the_default_user_has_no_password()
    {
        var access = new AccessControl([]);
        var remote = new IPEndPoint(IPAddress.Parse("192.0.2.10"), 50000);
        Assert.True(access.RefusesRemote(remote, protectedMode: true));
        Assert.False(access.RefusesRemote(new IPEndPoint(IPAddress.Loopback, 50000), protectedMode: true));
        Assert.False(access.RefusesRemote(new IPEndPoint(IPAddress.Parse("::ffff:127.0.0.1"), 50000), protectedMode: true));
        Assert.False(access.RefusesRemote(new IPEndPoint(IPAddress.IPv6Loopback, 50000), protectedMode: true));
        Assert.False(access.RefusesRemote(remote, protectedMode: false));
        access.SetRequirePass("now-there-is-one");
        Assert.True(access.InitialUser() is null);
        Assert.False(access.RefusesRemote(remote, protectedMode: true));
    }
}
