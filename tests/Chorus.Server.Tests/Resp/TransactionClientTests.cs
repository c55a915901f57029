using Chorus.Server.Tests.Security;
using Chorus.Server.Tests.Support;
using StackExchange.Redis;

namespace Chorus.Server.Tests.Resp;

/// <summary>
/// Issue 15, transactions, as real clients use them: StackExchange.Redis's ITransaction with
/// conditions (WATCH, the condition reads, MULTI ... EXEC), and the failed transaction of the
/// issue (it half-applied before: now nothing of it is applied), over a real socket.
/// </summary>
public sealed class TransactionClientTests(SingleNode node) : IClassFixture<SingleNode>
{
    private IDatabase Db => node.Db;

    [Fact]
    public async Task A_transaction_with_a_met_condition_applies_all_its_commands()
    {
        await Db.StringSetAsync("tx:balance", 100);
        var transaction = Db.CreateTransaction();
        transaction.AddCondition(Condition.StringEqual("tx:balance", 100));
        var debit = transaction.StringDecrementAsync("tx:balance", 30);
        var log = transaction.ListRightPushAsync("tx:log", "debit 30");
        Assert.True(await transaction.ExecuteAsync());
        Assert.Equal(70, await debit);
        Assert.Equal(1, await log);
        Assert.Equal(70, (long)await Db.StringGetAsync("tx:balance"));
    }

    [Fact]
    public async Task A_failed_condition_applies_nothing()
    {
        await Db.StringSetAsync("tx:stock", 5);
        var transaction = Db.CreateTransaction();
        transaction.AddCondition(Condition.StringEqual("tx:stock", 6));
        _ = transaction.StringDecrementAsync("tx:stock");
        _ = transaction.StringSetAsync("tx:ordered", "yes");
        Assert.False(await transaction.ExecuteAsync());
        Assert.Equal(5, (long)await Db.StringGetAsync("tx:stock"));
        Assert.False(await Db.KeyExistsAsync("tx:ordered"));
    }

    [Fact]
    public async Task A_write_by_another_client_between_watch_and_exec_aborts_the_transaction()
    {
        await Db.StringSetAsync("tx:seat", "free");
        using var client = await Raw.ConnectAsync(node.Port);
        Assert.Equal("+OK", await client.LineAsync("WATCH", "tx:seat"));
        Assert.Equal("free", await client.BulkAsync("GET", "tx:seat"));
        await Db.StringSetAsync("tx:seat", "taken by someone else");
        Assert.Equal("+OK", await client.LineAsync("MULTI"));
        Assert.Equal("+QUEUED", await client.LineAsync("SET", "tx:seat", "mine"));
        Assert.Equal("*-1", await client.LineAsync("EXEC"));
        Assert.Equal("taken by someone else", await Db.StringGetAsync("tx:seat"));
    }

    /// The finding: `MULTI; SET x 1; INCR x; EXEC` with a queuing error left x at 2.
    [Fact]
    public async Task A_transaction_with_a_queuing_error_applies_nothing()
    {
        using var client = await Raw.ConnectAsync(node.Port);
        Assert.Equal("+OK", await client.LineAsync("MULTI"));
        Assert.Equal("+QUEUED", await client.LineAsync("SET", "tx:x", "1"));
        Assert.Equal("+QUEUED", await client.LineAsync("INCR", "tx:x"));
        Assert.StartsWith("-ERR wrong number of arguments", await client.LineAsync("INCR"), StringComparison.Ordinal);
        Assert.Equal("-EXECABORT Transaction discarded because of previous errors.", await client.LineAsync("EXEC"));
        Assert.False(await Db.KeyExistsAsync("tx:x"));
        Assert.Equal("-ERR EXEC without MULTI", await client.LineAsync("EXEC"));
    }
}
