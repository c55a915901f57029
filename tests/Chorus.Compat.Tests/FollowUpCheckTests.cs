using Chorus.Compat.Comparison;
using Chorus.Compat.Generation;
using Chorus.Compat.Servers;
using Chorus.Resp;

namespace Chorus.Compat.Tests;

/// <summary>
/// The checks for random and cursor replies, against the real servers: they accept what Redis's
/// rules allow, catch what they do not, and leave both servers in the same state.
/// </summary>
[Collection(RealServersCollection.Name)]
public sealed class FollowUpCheckTests(RealServers real)
{
    private ServerPair Servers => real.Servers;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Spop_replies_are_checked_and_both_servers_end_with_the_same_set()
    {
        await PrepareAsync(Step.Build("SADD", "s", "a", "b", "c", "d", "e"));
        var step = Step.OnKey(PopCheck.Instance, "SPOP", "s", "2");
        var (redis, chorus) = await SendAsync(step);
        Assert.Null(await PopCheck.Instance.FollowUpAsync(Servers, step, redis, chorus, Cancel));
        var (redisLeft, chorusLeft) = await SendAsync(Step.OnKey(ReplyChecks.Unordered, "SMEMBERS", "s"));
        Assert.Null(ReplyChecks.Unordered.Compare(redisLeft, chorusLeft));
        Assert.InRange(redisLeft.Items.Count, 1, 3);
    }

    [Fact]
    public async Task A_popped_member_still_in_the_set_is_caught()
    {
        await PrepareAsync(Step.Build("SADD", "s", "a", "b", "c"));
        var step = Step.OnKey(PopCheck.Instance, "SPOP", "s");
        var (redis, _) = await SendAsync(step);
        var chorusLeft = (await ServerPair.SendToAsync(Servers.Chorus, [Step.Build("SMEMBERS", "s")], Cancel))[0];
        var stillThere = chorusLeft.Items[0];
        var problem = await PopCheck.Instance.FollowUpAsync(Servers, step, redis, stillThere, Cancel);
        Assert.NotNull(problem);
    }

    [Theory]
    [InlineData("3", 3)]
    [InlineData("10", 5)]
    [InlineData("-7", 7)]
    public async Task Srandmember_counts_follow_redis_rules(string count, int expected)
    {
        await PrepareAsync(Step.Build("SADD", "s", "a", "b", "c", "d", "e"));
        var check = new RandomElementsCheck(RandomElementsCheck.Source.SetMembers);
        var step = Step.OnKey(check, "SRANDMEMBER", "s", count);
        var (redis, chorus) = await SendAsync(step);
        Assert.Equal(expected, redis.Items.Count);
        Assert.Null(await check.FollowUpAsync(Servers, step, redis, chorus, Cancel));
        var tooFew = RespValue.Array([.. redis.Items.Skip(1)]);
        Assert.NotNull(await check.FollowUpAsync(Servers, step, redis, tooFew, Cancel));
        var stranger = RespValue.Array([RespValue.BulkString("z"), .. redis.Items.Skip(1)]);
        Assert.NotNull(await check.FollowUpAsync(Servers, step, redis, stranger, Cancel));
    }

    [Fact]
    public async Task Hrandfield_values_must_belong_to_their_fields()
    {
        await PrepareAsync(Step.Build("HSET", "h", "f1", "v1", "f2", "v2"));
        var check = new RandomElementsCheck(RandomElementsCheck.Source.HashFields);
        var step = Step.OnKey(check, "HRANDFIELD", "h", "2", "WITHVALUES");
        var (redis, chorus) = await SendAsync(step);
        Assert.Null(await check.FollowUpAsync(Servers, step, redis, chorus, Cancel));
        var swapped = RespValue.Array(RespValue.BulkString("f1"), RespValue.BulkString("v2"), RespValue.BulkString("f2"), RespValue.BulkString("v1"));
        Assert.NotNull(await check.FollowUpAsync(Servers, step, redis, swapped, Cancel));
    }

    [Fact]
    public async Task A_full_scan_must_return_the_same_keys()
    {
        await PrepareAsync([.. Enumerable.Range(0, 30).Select(i => Step.Build("SET", $"k{i}", "v"))]);
        var step = Step.OnEveryKey(ScanCheck.Instance, "SCAN", "0", "COUNT", "3");
        var (redis, chorus) = await SendAsync(step);
        Assert.Null(await ScanCheck.Instance.FollowUpAsync(Servers, step, redis, chorus, Cancel));
        var lastPageOnly = RespValue.Array(RespValue.BulkString("0"), RespValue.Array(RespValue.BulkString("k1")));
        Assert.NotNull(await ScanCheck.Instance.FollowUpAsync(Servers, step, redis, lastPageOnly, Cancel));
    }

    [Fact]
    public async Task Dbsize_waits_for_expired_keys_to_be_reclaimed_but_not_for_a_key_only_one_server_has()
    {
        await PrepareAsync(Step.Build("SET", "live", "v"), Step.Build("SET", "gone", "v", "PXAT", "1"));
        var step = Step.OnEveryKey(DbSizeCheck.Instance, "DBSIZE");
        Assert.Null(await DbSizeCheck.Instance.FollowUpAsync(Servers, step, RespValue.FromInteger(2), RespValue.FromInteger(1), Cancel));
        await ServerPair.SendToAsync(Servers.Chorus, [Step.Build("SET", "extra", "v")], Cancel);
        Assert.NotNull(await DbSizeCheck.Instance.FollowUpAsync(Servers, step, RespValue.FromInteger(1), RespValue.FromInteger(2), Cancel));
    }

    /// <summary>Empties both servers (RESP2) and runs the same setup commands on both.</summary>
    private async Task PrepareAsync(params byte[][][] commands)
    {
        await Servers.ResetAsync(2, Cancel);
        var (redis, chorus) = await Servers.SendAsync(commands, Cancel);
        Assert.DoesNotContain(redis.Concat(chorus), r => r.IsError);
    }

    private async Task<(RespValue Redis, RespValue Chorus)> SendAsync(Step step)
    {
        var (redis, chorus) = await Servers.SendAsync([step.Args], Cancel);
        return (redis[0], chorus[0]);
    }
}
