using static Chorus.Commands.Tests.Replies;

namespace Chorus.Commands.Tests;

/// Redis docs and t_string.c: APPEND, STRLEN, GETRANGE, SETRANGE.
public sealed class StringEditTests : IDisposable
{
    private readonly CommandHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public void Append_creates_the_key_then_appends_and_replies_with_the_length()
    {
        Assert.Equal(Int(5), _h.Run("APPEND", "k", "Hello"));
        Assert.Equal(Int(11), _h.Run("APPEND", "k", " World"));
        Assert.Equal(Bulk("Hello World"), _h.Run("GET", "k"));
        Assert.Equal(Int(11), _h.Run("STRLEN", "k"));
    }

    [Fact]
    public void Append_of_nothing_creates_an_empty_key_but_changes_an_existing_one_not_at_all()
    {
        Assert.Equal(Int(0), _h.Run("APPEND", "k", ""));
        Assert.Equal(Int(1), _h.Run("EXISTS", "k"));
        Assert.Equal(Bulk(""), _h.Run("GET", "k"));
        Assert.Equal(Int(0), _h.Run("APPEND", "k", ""));
        Assert.Null(_h.LastPayload);
    }

    [Fact]
    public void Append_keeps_the_ttl()
    {
        _h.Run("SET", "k", "a", "EX", "100");
        _h.Run("APPEND", "k", "b");
        Assert.Equal(Int(100), _h.Run("TTL", "k"));
    }

    [Fact]
    public void Strlen_of_a_missing_key_is_zero()
    {
        Assert.Equal(Int(0), _h.Run("STRLEN", "missing"));
    }

    [Theory]
    [InlineData("0", "3", "This")]
    [InlineData("-3", "-1", "ing")]
    [InlineData("0", "-1", "This is a string")]
    [InlineData("10", "100", "string")]
    [InlineData("-100", "3", "This")]
    [InlineData("5", "3", "")]
    [InlineData("-1", "-5", "")]
    [InlineData("100", "200", "")]
    [InlineData("0", "-100", "T")]
    [InlineData("-9223372036854775808", "9223372036854775807", "This is a string")]
    public void Getrange_follows_redis_index_rules(string start, string end, string expected)
    {
        _h.Run("SET", "k", "This is a string");
        Assert.Equal(Bulk(expected), _h.Run("GETRANGE", "k", start, end));
    }

    /// Redis 7 still answers SUBSTR, GETRANGE's old name (found by the differential tests).
    [Fact]
    public void Substr_is_getrange()
    {
        _h.Run("SET", "k", "This is a string");
        Assert.Equal(Bulk("This"), _h.Run("SUBSTR", "k", "0", "3"));
        Assert.Equal(Bulk("ing"), _h.Run("substr", "k", "-3", "-1"));
    }

    [Fact]
    public void Getrange_of_a_missing_key_is_empty_and_bad_offsets_are_errors()
    {
        Assert.Equal(Bulk(""), _h.Run("GETRANGE", "missing", "0", "-1"));
        Assert.Equal(Err("ERR value is not an integer or out of range"), _h.Run("GETRANGE", "missing", "a", "1"));
        Assert.Equal(Err("ERR value is not an integer or out of range"), _h.Run("GETRANGE", "missing", "0", "1.0"));
    }

    [Fact]
    public void Setrange_overwrites_in_place_and_keeps_the_ttl()
    {
        _h.Run("SET", "k", "Hello World", "EX", "100");
        Assert.Equal(Int(11), _h.Run("SETRANGE", "k", "6", "Redis"));
        Assert.Equal(Bulk("Hello Redis"), _h.Run("GET", "k"));
        Assert.Equal(Int(100), _h.Run("TTL", "k"));
    }

    [Fact]
    public void Setrange_pads_with_zero_bytes()
    {
        Assert.Equal(Int(6), _h.Run("SETRANGE", "k", "3", "abc"));
        Assert.Equal(new byte[] { 0, 0, 0, (byte)'a', (byte)'b', (byte)'c' }, _h.Run("GET", "k").Bytes.ToArray());
    }

    [Fact]
    public void Setrange_of_nothing_creates_nothing()
    {
        Assert.Equal(Int(0), _h.Run("SETRANGE", "k", "5", ""));
        Assert.Equal(Int(0), _h.Run("EXISTS", "k"));
        _h.Run("SET", "k", "abc");
        Assert.Equal(Int(3), _h.Run("SETRANGE", "k", "10", ""));
        Assert.Null(_h.LastPayload);
    }

    [Fact]
    public void Setrange_rejects_negative_and_oversized_offsets()
    {
        Assert.Equal(Err("ERR offset is out of range"), _h.Run("SETRANGE", "k", "-1", "x"));
        Assert.Equal(Err("ERR value is not an integer or out of range"), _h.Run("SETRANGE", "k", "x", "x"));
        Assert.Equal(Err("ERR string exceeds maximum allowed size (proto-max-bulk-len)"), _h.Run("SETRANGE", "k", "536870912", "x"));
        Assert.Equal(Err("ERR string exceeds maximum allowed size (proto-max-bulk-len)"), _h.Run("SETRANGE", "k", "9223372036854775807", "x"));
        Assert.Equal(Int(0), _h.Run("EXISTS", "k"));
    }

    [Fact]
    public void Setrange_writing_the_same_bytes_logs_nothing()
    {
        _h.Run("SET", "k", "abc");
        Assert.Equal(Int(3), _h.Run("SETRANGE", "k", "1", "b"));
        Assert.Null(_h.LastPayload);
    }
}
