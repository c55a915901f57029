namespace Chorus.Resp.Tests;

/// redis-cli's terminal rendering (cliFormatReplyTTY), so tools print replies familiarly.
public sealed class RespValueTests
{
    [Theory]
    [InlineData("+OK\r\n", "OK")]
    [InlineData("-ERR no\r\n", "(error) ERR no")]
    [InlineData(":5\r\n", "(integer) 5")]
    [InlineData("$4\r\na\"\n\x01\r\n", "\"a\\\"\\n\\x01\"")]
    [InlineData("$-1\r\n", "(nil)")]
    [InlineData(",1.5\r\n", "(double) 1.5")]
    [InlineData("#t\r\n", "(true)")]
    [InlineData("(123\r\n", "(big number) 123")]
    [InlineData("=7\r\ntxt:a b\r\n", "a b")]
    [InlineData("*0\r\n", "(empty array)")]
    [InlineData("%0\r\n", "(empty hash)")]
    [InlineData("~0\r\n", "(empty set)")]
    public void Scalars_render_like_redis_cli(string wire, string expected)
    {
        Assert.Equal(expected, RespReplyParser.Parse(System.Text.Encoding.Latin1.GetBytes(wire)).ToString());
    }

    [Fact]
    public void Nested_arrays_indent_under_their_index()
    {
        var value = RespValue.Array(
            RespValue.BulkString("a"),
            RespValue.Array(RespValue.FromInteger(1), RespValue.BulkString("b")),
            RespValue.Null);

        Assert.Equal("1) \"a\"\n2) 1) (integer) 1\n   2) \"b\"\n3) (nil)", value.ToString());
    }

    [Fact]
    public void Indexes_are_right_aligned_to_the_widest()
    {
        var value = RespValue.Array(Enumerable.Range(1, 10).Select(i => RespValue.FromInteger(i)).ToArray());

        Assert.StartsWith(" 1) (integer) 1\n 2) (integer) 2\n", value.ToString());
        Assert.EndsWith("\n10) (integer) 10", value.ToString());
    }

    [Fact]
    public void Maps_and_sets_render_with_their_markers()
    {
        var map = RespValue.Map(RespValue.BulkString("k"), RespValue.BulkString("v"), RespValue.BulkString("n"), RespValue.FromInteger(1));
        var set = RespValue.Set(RespValue.BulkString("x"));

        Assert.Equal("1# \"k\" => \"v\"\n2# \"n\" => (integer) 1", map.ToString());
        Assert.Equal("1~ \"x\"", set.ToString());
    }

    [Fact]
    public void Conversions_read_values_as_text_and_integers()
    {
        Assert.Equal("v", RespValue.BulkString("v").AsString());
        Assert.Equal("5", RespValue.FromInteger(5).AsString());
        Assert.Equal("1.5", RespValue.FromDouble(1.5).AsString());
        Assert.Null(RespValue.Null.AsString());
        Assert.Equal(42, RespValue.BulkString("42").AsInteger());
        Assert.Equal(1, RespValue.FromBoolean(true).AsInteger());
        Assert.True(RespValue.Error("ERR x").IsError);
        Assert.Throws<InvalidOperationException>(() => RespValue.BulkString("x").AsInteger());
        Assert.Throws<InvalidOperationException>(() => RespValue.Array().AsString());
    }

    [Fact]
    public void Items_of_a_scalar_are_empty()
    {
        Assert.Empty(RespValue.FromInteger(1).Items);
        Assert.Equal(2, RespValue.Map(RespValue.BulkString("k"), RespValue.BulkString("v")).Items.Count);
    }
}
