using Chorus.Commands.Execution;
using static Chorus.Commands.Tests.Replies;

namespace Chorus.Commands.Tests;

/// <summary>
/// Issue 17, findings 1 and 2: every write the leader accepts must fit in a log entry that can
/// be stored, replicated and rolled back, and a command must not cost more than its result. A
/// write over <see cref="WriteLimits"/> is refused before it changes anything (no payload, no
/// staged change), with a reply that says which limit and how to change it.
/// </summary>
public sealed class WriteLimitTests : IDisposable
{
    private const int Limit = 1000;
    private readonly CommandHarness _h = new() { Limits = new WriteLimits(Limit) };

    public void Dispose() => _h.Dispose();

    private static string Text(int length, char c = 'v') => new(c, length);

    [Fact]
    public void A_value_at_the_limit_is_stored_and_one_byte_more_is_refused_at_the_door()
    {
        Assert.Equal(Ok, _h.Run("SET", "k", Text(Limit)));
        Assert.Equal(Int(Limit), _h.Run("STRLEN", "k"));
        var refused = _h.Run("SET", "k", Text(Limit + 1, 'w'));
        Assert.Equal(Err("ERR write too large: an argument of 1001 bytes, more than chorus-max-write-bytes (1000)"), refused);
        Assert.Null(_h.LastPayload);
        Assert.Equal(Bulk(Text(Limit)), _h.Run("GET", "k"));
    }

    /// <summary>The finding: SETRANGE k 536870911 x asked for a 512 MiB value and took the leader to 14 GB.</summary>
    [Fact]
    public void Setrange_and_append_may_not_grow_a_value_past_the_limit()
    {
        Assert.Equal(Err("ERR value too large: the key would hold 1001 bytes, more than chorus-max-write-bytes (1000)"), _h.Run("SETRANGE", "k", "1000", "x"));
        Assert.Equal(Int(0), _h.Run("EXISTS", "k"));
        Assert.Equal(Err("ERR string exceeds maximum allowed size (proto-max-bulk-len)"), _h.Run("SETRANGE", "k", "536870911", "xy"));
        Assert.Equal(Int(Limit), _h.Run("SETRANGE", "k", "999", "x"));
        Assert.Equal(Err("ERR value too large: the key would hold 1001 bytes, more than chorus-max-write-bytes (1000)"), _h.Run("APPEND", "k", "y"));
        Assert.Null(_h.LastPayload);
        Assert.Equal(Int(Limit), _h.Run("STRLEN", "k"));
    }

    [Fact]
    public void A_collection_may_not_grow_past_the_limit_one_small_write_at_a_time()
    {
        var accepted = 0;
        while (_h.Run("SADD", "s", $"member-{accepted:D4}-{Text(40)}") is { IsError: false })
        {
            accepted++;
        }
        Assert.StartsWith("ERR value too large: the key would hold", _h.Run("SADD", "s", $"member-{accepted:D4}-{Text(40)}").AsString());
        Assert.Null(_h.LastPayload);
        Assert.InRange(accepted, 10, Limit / 40);
        Assert.Equal(Int(accepted), _h.Run("SCARD", "s"));
        Assert.Equal(Int(1), _h.Run("DEL", "s"));
    }

    /// <summary>An entry holds the values a write replaces, so many full-size values in one command may not fit.</summary>
    [Fact]
    public void A_write_whose_entry_would_hold_too_many_values_is_refused_whole()
    {
        var limits = new WriteLimits(1L << 20);
        _h.Limits = limits;
        var keys = Enumerable.Range(0, 6).Select(i => $"k{i}").ToArray();
        foreach (var key in keys)
        {
            Assert.Equal(Ok, _h.Run("SET", key, Text(600_000, key[1])));
        }
        var before = _h.Run(["MGET", .. keys]);
        var refused = _h.Run(["DEL", .. keys]);
        Assert.True(refused.IsError, refused.ToString());
        Assert.StartsWith("ERR write too large: its log entry (new values and the values they replace) would be", refused.AsString());
        Assert.Contains($"more than {limits.EntryBytesMax}", refused.AsString());
        Assert.Equal(before, _h.Run(["MGET", .. keys]));
        Assert.Equal(Int(3), _h.Run("DEL", "k0", "k1", "k2"));
    }

    /// <summary>GETSET replies with the old value before it records the new one: a refusal replaces that reply whole.</summary>
    [Fact]
    public void A_refused_write_never_leaves_half_a_reply()
    {
        var large = Text((int)WriteLimits.EntryOverheadBytes + 100);
        _h.Limits = new WriteLimits(2L << 20);
        Assert.Equal(Ok, _h.Run("SET", "k", large));
        _h.Limits = new WriteLimits(10);
        var refused = _h.Run("GETSET", "k", "small");
        Assert.True(refused.IsError, "the reply is the refusal alone, not the old value followed by it");
        Assert.StartsWith("ERR write too large: its log entry", refused.AsString());
        Assert.Equal(Int(large.Length), _h.Run("STRLEN", "k"));
    }
}
