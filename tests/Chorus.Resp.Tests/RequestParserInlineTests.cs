using System.Buffers;
using static Chorus.Resp.Tests.Requests;

namespace Chorus.Resp.Tests;

/// Redis networking.c processInlineBuffer and sds.c sdssplitargs: what telnet users type.
public sealed class RequestParserInlineTests
{
    [Theory]
    [InlineData("PING\r\n")]
    [InlineData("PING\n")]
    [InlineData(" PING\t\r\n")]
    [InlineData("  PING  \n")]
    public void Inline_ping_parses_with_either_line_end_and_any_blanks(string input)
    {
        Assert.Equal([["PING"]], ParseCommands(Bytes.GetBytes(input)));
    }

    [Theory]
    [InlineData("\r\n")]
    [InlineData("\n")]
    [InlineData(" \t\n")]
    public void Blank_inline_lines_are_consumed_and_skipped(string blank)
    {
        Assert.Equal([["PING"]], ParseCommands(Bytes.GetBytes(blank + "PING\r\n" + blank)));
    }

    [Theory]
    [InlineData("SET k \"v v\"\r\n", new[] { "SET", "k", "v v" })]
    [InlineData("SET k 'v v'\r\n", new[] { "SET", "k", "v v" })]
    [InlineData("ECHO \"\"\r\n", new[] { "ECHO", "" })]
    [InlineData("ECHO a\"b c\"\r\n", new[] { "ECHO", "ab c" })]
    [InlineData("ECHO \"a\" 'b'\r\n", new[] { "ECHO", "a", "b" })]
    [InlineData("ECHO 'it\\'s'\r\n", new[] { "ECHO", "it's" })]
    [InlineData("ECHO 'a\\nb'\r\n", new[] { "ECHO", "a\\nb" })]
    [InlineData("ECHO \"say \\\"hi\\\"\"\r\n", new[] { "ECHO", "say \"hi\"" })]
    public void Inline_quoting_follows_redis_cli(string input, string[] expected)
    {
        Assert.Equal([expected], ParseCommands(Bytes.GetBytes(input)));
    }

    [Fact]
    public void Double_quotes_understand_c_escapes_and_hex_bytes()
    {
        var commands = ParseCommands(Bytes.GetBytes("ECHO \"\\n\\r\\t\\b\\a\\\\\\x41\\xfF\\xzz\\q\"\r\n"));

        Assert.Equal("\n\r\t\b\a\\A\xff" + "xzzq", commands[0][1]);
    }

    [Fact]
    public void Inline_arguments_are_copied_out_of_the_input()
    {
        using var batch = new RequestBatch();
        var input = Bytes.GetBytes("SET \"k\\x00\" v\r\n");
        ParseAll(input, batch);

        Array.Clear(input);

        Assert.Equal(["SET", "k\0", "v"], Arguments(batch[0]));
    }

    [Fact]
    public void Inline_line_without_its_end_waits_for_more_data()
    {
        using var batch = new RequestBatch();

        var run = ParseAll(Bytes.GetBytes("SET k \"v"), batch);

        Assert.Equal(new ParseRun(OperationStatus.NeedMoreData, 0, null), run);
        Assert.Equal(0, batch.Count);
        Assert.Equal(0, batch.ArenaBytes);
    }

    [Fact]
    public void Inline_line_split_across_segments_parses()
    {
        using var batch = new RequestBatch();
        var input = Bytes.GetBytes("SET key \"a b\"\r\n");

        ParseAll(Sequences.BytePerSegment(input), batch);

        Assert.Equal([["SET", "key", "a b"]], Commands(batch));
    }
}
