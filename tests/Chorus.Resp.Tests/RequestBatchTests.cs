using System.Text;
using static Chorus.Resp.Tests.Requests;

namespace Chorus.Resp.Tests;

/// A batch copies arguments into one pooled arena and is reused for the connection's lifetime.
public sealed class RequestBatchTests
{
    [Fact]
    public void Commands_added_from_strings_and_bytes_read_back()
    {
        using var batch = new RequestBatch();

        batch.Add("SET", "clé", "v");
        batch.Add([0x47, 0x45, 0x54], [0x00, 0xFF]);

        Assert.Equal(2, batch.Count);
        Assert.Equal(Encoding.UTF8.GetBytes("clé"), batch[0][1].ToArray());
        Assert.Equal(["GET", "\0\xff"], Arguments(batch[1]));
        Assert.Equal(3 + 4 + 1 + 3 + 2, batch.ArenaBytes);
    }

    [Fact]
    public void Clear_forgets_commands_and_the_batch_is_reused()
    {
        using var batch = new RequestBatch();
        batch.Add("SET", "a", "1");
        batch.Clear();

        batch.Add("GET", "b");

        Assert.Equal(1, batch.Count);
        Assert.Equal(["GET", "b"], Arguments(batch[0]));
        Assert.Equal(4, batch.ArenaBytes);
    }

    [Fact]
    public void Reading_a_command_after_clear_throws()
    {
        using var batch = new RequestBatch();
        batch.Add("PING");
        var command = batch[0];

        batch.Clear();

        Assert.Throws<InvalidOperationException>(() => command[0].Length);
    }

    [Fact]
    public void Arena_grows_and_earlier_commands_stay_intact()
    {
        using var batch = new RequestBatch();
        var values = Enumerable.Range(0, 200).Select(i => new string((char)('a' + (i % 26)), i * 37)).ToArray();

        foreach (var value in values)
        {
            batch.Add("SET", "k", value);
        }

        Assert.Equal(values, Enumerable.Range(0, batch.Count).Select(i => Arguments(batch[i])[2]));
        Assert.Equal(values.Sum(v => v.Length + 4L), batch.ArenaBytes);
    }

    [Fact]
    public void Add_from_copies_a_command_from_another_batch()
    {
        using var source = new RequestBatch();
        using var target = new RequestBatch();
        source.Add("SET", "k", "v");

        target.AddFrom(source[0]);
        source.Clear();
        source.Add("XXX", "y", "z");

        Assert.Equal(["SET", "k", "v"], Arguments(target[0]));
    }

    [Fact]
    public void Add_from_the_same_batch_survives_the_arena_growing()
    {
        using var batch = new RequestBatch();
        batch.Add("SET", "k", new string('v', 3000));

        for (var i = 0; i < 5; i++)
        {
            batch.AddFrom(batch[i]);
        }

        Assert.All(Commands(batch), c => Assert.Equal(["SET", "k", new string('v', 3000)], c));
    }

    [Fact]
    public void Name_and_argument_comparisons_ignore_ascii_case()
    {
        using var batch = new RequestBatch();
        batch.Add("sEt", "k", "v", "nx");
        var command = batch[0];

        Assert.True(command.NameIs("SET"u8));
        Assert.False(command.NameIs("SE"u8));
        Assert.False(command.NameIs("GET"u8));
        Assert.True(command.ArgumentIs(3, "NX"u8));
        Assert.False(command.ArgumentIs(3, "XX"u8));
    }

    [Fact]
    public void Get_memory_returns_the_argument_bytes()
    {
        using var batch = new RequestBatch();
        batch.Add("GET", "key");

        Assert.Equal("key"u8.ToArray(), batch[0].GetMemory(1).ToArray());
    }

    [Fact]
    public void Out_of_range_indexes_throw()
    {
        using var batch = new RequestBatch();
        batch.Add("GET", "key");

        Assert.Throws<ArgumentOutOfRangeException>(() => batch[1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => batch[0][2].Length);
    }

    [Fact]
    public void A_command_needs_a_name()
    {
        using var batch = new RequestBatch();

        Assert.Throws<ArgumentException>(() => batch.Add(System.Array.Empty<string>()));
    }

    [Fact]
    public void To_string_quotes_arguments_like_redis_cli()
    {
        using var batch = new RequestBatch();
        batch.Add("SET", "k", "v");
        batch.Add("ECHO", "a \"b\"\r\n\t\\\u0007\u0008\u0001");
        batch.Add([0x00], []);

        Assert.Equal("SET \"k\" \"v\"", batch[0].ToString());
        Assert.Equal("ECHO \"a \\\"b\\\"\\r\\n\\t\\\\\\a\\b\\x01\"", batch[1].ToString());
        Assert.Equal("\"\\x00\" \"\"", batch[2].ToString());
    }

    [Fact]
    public void Parsed_and_added_commands_share_the_batch()
    {
        using var batch = new RequestBatch();
        batch.Add("MULTI");
        ParseAll(Multibulk("INCR", "n"), batch);
        batch.Add("EXEC");

        Assert.Equal([["MULTI"], ["INCR", "n"], ["EXEC"]], Commands(batch));
    }

    [Fact]
    public void Large_request_buffers_are_released_by_clear()
    {
        using var batch = new RequestBatch();
        batch.Add("SET", "k", new string('v', 2_000_000));
        batch.Clear();

        batch.Add("GET", "k");

        Assert.Equal(["GET", "k"], Arguments(batch[0]));
    }
}
