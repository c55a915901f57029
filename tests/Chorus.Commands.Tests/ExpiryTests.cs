using Chorus.Commands.Logical;
using Chorus.Resp;
using static Chorus.Commands.Tests.Replies;

namespace Chorus.Commands.Tests;

/// Redis docs and expire.c: EXPIRE family with NX XX GT LT, TTL family, PERSIST, and logically expired keys.
public sealed class ExpiryTests : IDisposable
{
    private readonly CommandHarness _h = new();

    public ExpiryTests() => _h.Run("SET", "k", "v");

    public void Dispose() => _h.Dispose();

    [Fact]
    public void Ttl_is_minus_two_for_missing_keys_and_minus_one_without_expiry()
    {
        Assert.Equal(Int(-2), _h.Run("TTL", "missing"));
        Assert.Equal(Int(-2), _h.Run("PEXPIRETIME", "missing"));
        Assert.Equal(Int(-1), _h.Run("TTL", "k"));
        Assert.Equal(Int(-1), _h.Run("PTTL", "k"));
        Assert.Equal(Int(-1), _h.Run("EXPIRETIME", "k"));
    }

    [Fact]
    public void Each_expire_command_stores_an_absolute_time_from_the_leader_clock()
    {
        var nowSeconds = CommandHarness.StartMs / 1000;
        Assert.Equal(Int(1), _h.Run("EXPIRE", "k", "10"));
        Assert.Equal(Int(CommandHarness.StartMs + 10_000), _h.Run("PEXPIRETIME", "k"));
        Assert.Equal(Int(1), _h.Run("PEXPIRE", "k", "1500"));
        Assert.Equal(Int(CommandHarness.StartMs + 1500), _h.Run("PEXPIRETIME", "k"));
        Assert.Equal(Int(1), _h.Run("EXPIREAT", "k", (nowSeconds + 20).ToString()));
        Assert.Equal(Int(nowSeconds + 20), _h.Run("EXPIRETIME", "k"));
        Assert.Equal(Int(1), _h.Run("PEXPIREAT", "k", (CommandHarness.StartMs + 30_000).ToString()));
        var change = Assert.IsType<ExpireChange>(Assert.Single(_h.LastChanges));
        Assert.Equal((CommandHarness.StartMs + 30_000, (nowSeconds + 20) * 1000), (change.ExpiresAtMs, change.PreviousExpiresAtMs));
    }

    [Fact]
    public void Ttl_rounds_to_the_nearest_second()
    {
        _h.Run("PEXPIRE", "k", "10499");
        Assert.Equal(Int(10), _h.Run("TTL", "k"));
        _h.Run("PEXPIRE", "k", "10500");
        Assert.Equal(Int(11), _h.Run("TTL", "k"));
        _h.AdvanceMs(10_000);
        Assert.Equal(Int(500), _h.Run("PTTL", "k"));
        Assert.Equal(Int(1), _h.Run("TTL", "k"));
    }

    /// Redis computes (ms + 500) / 1000 without wrapping (found by the differential tests).
    [Fact]
    public void Expiretime_at_the_end_of_time_does_not_overflow()
    {
        _h.Run("SET", "k", "v", "PXAT", "9223372036854775806");
        Assert.Equal(Int(9223372036854776), _h.Run("EXPIRETIME", "k"));
        Assert.Equal(Int(9223372036854775806), _h.Run("PEXPIRETIME", "k"));
    }

    [Fact]
    public void A_key_expires_once_the_clock_passes_its_expiry()
    {
        _h.Run("PEXPIRE", "k", "100");
        _h.AdvanceMs(100);
        Assert.Equal(Bulk("v"), _h.Run("GET", "k"));
        Assert.Equal(Int(0), _h.Run("PTTL", "k"));
        _h.AdvanceMs(1);
        Assert.Equal(Nil, _h.Run("GET", "k"));
        Assert.Equal(Int(-2), _h.Run("TTL", "k"));
        Assert.Equal(Int(0), _h.Run("EXISTS", "k"));
        Assert.Equal(Status("none"), _h.Run("TYPE", "k"));
    }

    [Fact]
    public void Expired_keys_are_absent_for_every_type_of_read()
    {
        _h.Run("HSET", "h", "f", "v");
        _h.Run("SADD", "s", "m");
        _h.Run("MSET", "n", "1");
        foreach (var key in new[] { "k", "h", "s", "n" })
        {
            _h.Run("PEXPIRE", key, "1");
        }
        _h.AdvanceMs(2);
        Assert.Equal(Arr(Nil, Nil), _h.Run("MGET", "k", "n"));
        Assert.Equal(Nil, _h.Run("HGET", "h", "f"));
        Assert.Equal(EmptyArray, _h.Run("HGETALL", "h"));
        Assert.Equal(Int(0), _h.Run("SCARD", "s"));
        Assert.Equal(Int(0), _h.Run("SISMEMBER", "s", "m"));
        Assert.Equal(Int(0), _h.Run("STRLEN", "k"));
    }

    [Fact]
    public void Writes_treat_an_expired_key_as_absent_and_log_its_stored_value_as_before_image()
    {
        _h.Run("PEXPIRE", "k", "1");
        _h.AdvanceMs(2);
        Assert.Equal(Int(1), _h.Run("HSET", "k", "f", "v"));
        var put = Assert.IsType<PutChange>(Assert.Single(_h.LastChanges));
        Assert.NotNull(put.Before);
        Assert.Equal(Int(-1), _h.Run("TTL", "k"));
        _h.Run("SET", "n", "41", "PX", "1");
        _h.AdvanceMs(2);
        Assert.Equal(Int(1), _h.Run("INCR", "n"));
        Assert.Equal(Int(-1), _h.Run("TTL", "n"));
    }

    [Fact]
    public void Keepttl_does_not_revive_the_expiry_of_an_expired_key()
    {
        _h.Run("PEXPIRE", "k", "1");
        _h.AdvanceMs(2);
        Assert.Equal(Ok, _h.Run("SET", "k", "new", "KEEPTTL"));
        Assert.Equal(Bulk("new"), _h.Run("GET", "k"));
        Assert.Equal(Int(-1), _h.Run("TTL", "k"));
    }

    [Fact]
    public void Deleting_an_expired_key_counts_as_nothing_but_removes_it_as_expired()
    {
        _h.Run("PEXPIRE", "k", "1");
        _h.AdvanceMs(2);
        Assert.Equal(Int(0), _h.Run("DEL", "k"));
        var delete = Assert.IsType<DeleteChange>(Assert.Single(_h.LastChanges));
        Assert.Equal(DeleteReason.Expired, delete.Reason);
        Assert.Equal(Int(0), _h.Run("DBSIZE"));
    }

    [Fact]
    public void Expire_of_a_missing_or_expired_key_replies_0_and_logs_nothing()
    {
        Assert.Equal(Int(0), _h.Run("EXPIRE", "missing", "10"));
        Assert.Null(_h.LastPayload);
        _h.Run("PEXPIRE", "k", "1");
        _h.AdvanceMs(2);
        Assert.Equal(Int(0), _h.Run("EXPIRE", "k", "10"));
        Assert.Null(_h.LastPayload);
    }

    [Theory]
    [InlineData("EXPIRE", "0")]
    [InlineData("EXPIRE", "-10")]
    [InlineData("PEXPIRE", "0")]
    [InlineData("EXPIREAT", "1")]
    [InlineData("PEXPIREAT", "1700000000000")]
    public void A_time_not_in_the_future_deletes_the_key(string command, string time)
    {
        Assert.Equal(Int(1), _h.Run(command, "k", time));
        var delete = Assert.IsType<DeleteChange>(Assert.Single(_h.LastChanges));
        Assert.Equal(DeleteReason.Command, delete.Reason);
        Assert.Equal(Int(0), _h.Run("EXISTS", "k"));
    }

    [Fact]
    public void Setting_the_same_expiry_again_logs_nothing()
    {
        _h.Run("PEXPIREAT", "k", "1800000000000");
        Assert.Equal(Int(1), _h.Run("PEXPIREAT", "k", "1800000000000"));
        Assert.Null(_h.LastPayload);
    }

    [Theory]
    [InlineData("EXPIRE", "9223372036854775807", "expire")]
    [InlineData("EXPIRE", "-9223372036854775808", "expire")]
    [InlineData("PEXPIRE", "9223372036854775807", "pexpire")]
    [InlineData("EXPIREAT", "9223372036854775807", "expireat")]
    public void Times_that_overflow_are_invalid_expire_times(string command, string time, string name)
    {
        Assert.Equal(Err($"ERR invalid expire time in '{name}' command"), _h.Run(command, "k", time));
        Assert.Equal(Err("ERR value is not an integer or out of range"), _h.Run(command, "k", "soon"));
        Assert.Equal(Int(-1), _h.Run("TTL", "k"));
    }

    [Fact]
    public void Nx_sets_only_without_an_expiry_and_xx_only_with_one()
    {
        Assert.Equal(Int(0), _h.Run("EXPIRE", "k", "100", "XX"));
        Assert.Equal(Int(1), _h.Run("EXPIRE", "k", "100", "NX"));
        Assert.Equal(Int(0), _h.Run("EXPIRE", "k", "200", "nx"));
        Assert.Equal(Int(1), _h.Run("EXPIRE", "k", "200", "xx"));
        Assert.Equal(Int(200), _h.Run("TTL", "k"));
    }

    [Fact]
    public void Gt_and_lt_compare_with_the_current_expiry_and_treat_none_as_infinite()
    {
        Assert.Equal(Int(0), _h.Run("EXPIRE", "k", "100", "GT"));
        Assert.Equal(Int(1), _h.Run("EXPIRE", "k", "100", "LT"));
        Assert.Equal(Int(0), _h.Run("EXPIRE", "k", "100", "GT"));
        Assert.Equal(Int(1), _h.Run("EXPIRE", "k", "150", "GT"));
        Assert.Equal(Int(0), _h.Run("EXPIRE", "k", "200", "LT"));
        Assert.Equal(Int(1), _h.Run("EXPIRE", "k", "50", "LT", "XX"));
        Assert.Equal(Int(50), _h.Run("TTL", "k"));
    }

    [Theory]
    [InlineData("ERR NX and XX, GT or LT options at the same time are not compatible", "NX", "XX")]
    [InlineData("ERR NX and XX, GT or LT options at the same time are not compatible", "GT", "NX")]
    [InlineData("ERR NX and XX, GT or LT options at the same time are not compatible", "NX", "LT")]
    [InlineData("ERR GT and LT options at the same time are not compatible", "GT", "LT")]
    [InlineData("ERR Unsupported option foo", "foo")]
    [InlineData("ERR Unsupported option KEEPTTL", "NX", "KEEPTTL")]
    public void Incompatible_or_unknown_options_are_errors(string error, params string[] options)
    {
        Assert.Equal(Err(error), _h.Run(["EXPIRE", "k", "100", .. options]));
        Assert.Equal(Int(-1), _h.Run("TTL", "k"));
    }

    /// Redis quotes the option with "%s": its bytes as sent, up to a NUL (found by the differential tests).
    [Fact]
    public void An_unknown_binary_option_is_quoted_as_a_c_string()
    {
        var reply = _h.RunBytes("EXPIRE"u8.ToArray(), "k"u8.ToArray(), "100"u8.ToArray(), [0xff, (byte)'x', 0, (byte)'y']);
        Assert.Equal(RespValue.Error([.. "ERR Unsupported option "u8, 0xff, (byte)'x']), reply);
    }

    [Fact]
    public void Option_errors_come_before_number_errors_as_in_redis()
    {
        Assert.Equal(Err("ERR Unsupported option x"), _h.Run("EXPIRE", "k", "soon", "x"));
    }

    [Fact]
    public void Persist_removes_the_expiry_and_logs_it_with_the_old_one()
    {
        Assert.Equal(Int(0), _h.Run("PERSIST", "k"));
        Assert.Null(_h.LastPayload);
        _h.Run("PEXPIRE", "k", "5000");
        Assert.Equal(Int(1), _h.Run("PERSIST", "k"));
        var change = Assert.IsType<ExpireChange>(Assert.Single(_h.LastChanges));
        Assert.Equal((0, CommandHarness.StartMs + 5000), (change.ExpiresAtMs, change.PreviousExpiresAtMs));
        Assert.Equal(Int(-1), _h.Run("TTL", "k"));
        Assert.Equal(Int(0), _h.Run("PERSIST", "missing"));
    }

    [Fact]
    public void Expiry_applies_to_hashes_and_sets_and_survives_their_edits()
    {
        _h.Run("HSET", "h", "a", "1", "b", "2");
        _h.Run("SADD", "s", "a", "b");
        _h.Run("EXPIRE", "h", "100");
        _h.Run("EXPIRE", "s", "100");
        _h.Run("HDEL", "h", "a");
        _h.Run("HINCRBY", "h", "n", "1");
        _h.Run("SREM", "s", "a");
        _h.Run("SADD", "s", "c");
        Assert.Equal(Int(100), _h.Run("TTL", "h"));
        Assert.Equal(Int(100), _h.Run("TTL", "s"));
        _h.AdvanceMs(100_001);
        Assert.Equal(Int(0), _h.Run("EXISTS", "h", "s"));
    }
}
