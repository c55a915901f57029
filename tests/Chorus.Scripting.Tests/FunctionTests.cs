using Chorus.Commands.Logical;

namespace Chorus.Scripting.Tests;

/// <summary>
/// Redis 7 Functions (FUNCTION LOAD, FCALL, FCALL_RO, FUNCTION LIST/DELETE/FLUSH/DUMP/RESTORE),
/// with the replies and errors redis-server 7.0.15 gives for the same commands (captured from it).
/// Libraries are records of the database written through the log: a follower that applies the
/// payload of FUNCTION LOAD can FCALL the function with an engine that never saw it, and a
/// rollback that undoes the payload removes it.
/// </summary>
public sealed class FunctionTests
{
    private const string Library = "#!lua name=mylib\n"
        + "redis.register_function{function_name='getter', callback=function(keys, args) return redis.call('GET', keys[1]) end, flags={'no-writes', 'allow-stale'}, description='reads'}\n"
        + "redis.register_function('setter', function(keys, args) redis.call('SET', keys[1], args[1]) return {#keys, #args} end)";

    [Fact]
    public void A_loaded_function_is_called_with_keys_and_args_and_its_writes_are_one_payload()
    {
        using var h = new ScriptHarness();
        Assert.Equal("mylib", h.Run("FUNCTION", "LOAD", Library).AsString());
        Assert.NotNull(h.LastPayload);
        var reply = h.Run("FCALL", "setter", "1", "k", "v", "extra");
        Assert.Equal(2, reply.Items.Count);
        Assert.Equal(1, reply.Items[0].Integer);
        Assert.Equal(2, reply.Items[1].Integer);
        Assert.NotNull(h.LastPayload);
        Assert.Equal("v", h.Run("FCALL_RO", "getter", "1", "k").AsString());
        Assert.Equal("v", h.Run("FCALL", "GETTER", "1", "k").AsString()); // Redis finds functions ignoring case
    }

    [Theory]
    [InlineData("FCALL_RO setter 0", "ERR Can not execute a script with write flag using *_ro command.")]
    [InlineData("FCALL nope 0", "ERR Function not found")]
    [InlineData("FCALL setter x", "ERR Bad number of keys provided")]
    [InlineData("FCALL setter -1", "ERR Number of keys can't be negative")]
    [InlineData("FCALL setter 3 a", "ERR Number of keys can't be greater than number of args")]
    [InlineData("FUNCTION DELETE nope", "ERR Library not found")]
    [InlineData("FUNCTION FLUSH x", "ERR FUNCTION FLUSH only supports SYNC|ASYNC option")]
    [InlineData("FUNCTION RESTORE abc", "ERR DUMP payload version or checksum are wrong")]
    [InlineData("FUNCTION RESTORE abc BAD", "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.")]
    [InlineData("FUNCTION LIST LIBRARYNAME", "ERR library name argument was not given")]
    [InlineData("FUNCTION LIST foo", "ERR Unknown argument foo")]
    [InlineData("FUNCTION KILL", "NOTBUSY No scripts in execution right now.")]
    [InlineData("FUNCTION nope", "ERR unknown subcommand 'nope'. Try FUNCTION HELP.")]
    public void Refusals_are_worded_as_redis_words_them(string command, string error)
    {
        using var h = new ScriptHarness();
        h.Run("FUNCTION", "LOAD", Library);
        var reply = h.Run(command.Split(' '));
        Assert.True(reply.IsError, reply.ToString());
        Assert.Equal(error, reply.AsString());
    }

    [Theory]
    [InlineData("return 1", "ERR Missing library metadata")]
    [InlineData("#!lua name=a", "ERR Invalid library metadata")]
    [InlineData("#!foo name=a\nx", "ERR Engine 'foo' not found")]
    [InlineData("#!lua\nx", "ERR Library name was not given")]
    [InlineData("#!lua name=a b=c\nx", "ERR Invalid metadata value given: b=c")]
    [InlineData("#!lua name=a name=b\nx", "ERR Invalid metadata value, name argument was given multiple times")]
    [InlineData("#!lua name=a-b\nx", "ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long")]
    [InlineData("#!lua name=a\nreturn 1", "ERR No functions registered")]
    [InlineData("#!lua name=a\nredis.register_function('g')", "ERR Error registering functions: ERR calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).")]
    [InlineData("#!lua name=a\nredis.register_function('g', 1)", "ERR Error registering functions: ERR second argument to redis.register_function must be a function")]
    [InlineData("#!lua name=a\nredis.register_function{function_name='g', callback=function() end, flags={'bad'}}", "ERR Error registering functions: ERR unknown flag given")]
    [InlineData("#!lua name=a\nredis.register_function{function_name='g', callback=function() end, foo=1}", "ERR Error registering functions: ERR unknown argument given to redis.register_function")]
    [InlineData("#!lua name=a\nredis.register_function{callback=function() end}", "ERR Error registering functions: ERR redis.register_function must get a function name argument")]
    [InlineData("#!lua name=a\nredis.register_function('g', function() end)\nredis.register_function('g', function() end)", "ERR Error registering functions: ERR Function already exists in the library")]
    [InlineData("#!lua name=a\nx = 1", "ERR Error registering functions: ERR user_function:2: Attempt to modify a readonly table")]
    [InlineData("#!lua name=a\nredis.call('set', 'x', '1')", "ERR Error registering functions: ERR user_function:2: Script attempted to access nonexistent global variable 'call'")]
    [InlineData("#!lua name=a\nlocal s = string.len('x')", "ERR Error registering functions: ERR user_function:2: Script attempted to access nonexistent global variable 'string'")]
    public void A_library_that_cannot_load_is_refused_with_redis_error_and_nothing_is_logged(string code, string error)
    {
        using var h = new ScriptHarness();
        var reply = h.Run("FUNCTION", "LOAD", code);
        Assert.Equal(error, reply.AsString());
        Assert.Null(h.LastPayload);
    }

    [Fact]
    public void Names_collide_unless_replaced()
    {
        using var h = new ScriptHarness();
        h.Run("FUNCTION", "LOAD", Library);
        Assert.Equal("ERR Library 'mylib' already exists", h.Run("FUNCTION", "LOAD", Library).AsString());
        Assert.Equal("ERR Function setter already exists",
            h.Run("FUNCTION", "LOAD", "#!lua name=other\nredis.register_function('setter', function() return 1 end)").AsString());
        Assert.Equal("mylib", h.Run("FUNCTION", "LOAD", "REPLACE", "#!lua name=mylib\nredis.register_function('fresh', function() return 7 end)").AsString());
        Assert.Equal(7, h.Run("FCALL", "fresh", "0").Integer);
        Assert.Equal("ERR Function not found", h.Run("FCALL", "setter", "0").AsString()); // the replaced library's functions are gone
        Assert.Equal("other", h.Run("FUNCTION", "LOAD", "#!lua name=other\nredis.register_function('setter', function() return 1 end)").AsString());
    }

    [Fact]
    public void Runtime_errors_name_the_function_and_its_line_and_the_load_api_is_gone()
    {
        using var h = new ScriptHarness();
        h.Run("FUNCTION", "LOAD", "#!lua name=e\nredis.register_function('boom', function()\n  return error('boom')\nend)\nredis.register_function('again', function() return redis.register_function('x', function() end) end)");
        Assert.Equal("ERR user_function:3: boom script: boom, on @user_function:3.", h.Run("FCALL", "boom", "0").AsString());
        Assert.EndsWith("script: again, on @user_function:5.", h.Run("FCALL", "again", "0").AsString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_function_without_no_writes_may_write_and_one_with_it_may_not()
    {
        using var h = new ScriptHarness();
        h.Run("FUNCTION", "LOAD", "#!lua name=ro\nredis.register_function{function_name='w', callback=function() return redis.call('SET', 'x', '1') end, flags={'no-writes'}}");
        Assert.Equal("ERR Write commands are not allowed from read-only scripts. script: w, on @user_function:2.", h.Run("FCALL", "w", "0").AsString());
        Assert.Null(h.LastPayload);
    }

    [Fact]
    public void List_shows_functions_flags_descriptions_and_code_and_filters_by_library_name()
    {
        using var h = new ScriptHarness();
        h.Run("FUNCTION", "LOAD", Library);
        h.Run("FUNCTION", "LOAD", "#!lua name=second\nredis.register_function('two', function() return 2 end)");
        Assert.Equal(2, h.Run("FUNCTION", "LIST").Items.Count);
        var listed = h.Run("FUNCTION", "LIST", "LIBRARYNAME", "MY*", "WITHCODE"); // the pattern ignores case, as in Redis
        var library = Assert.Single(listed.Items);
        Assert.Equal("*8\r\n$12\r\nlibrary_name\r\n$5\r\nmylib\r\n$6\r\nengine\r\n$3\r\nLUA\r\n$9\r\nfunctions\r\n*2\r\n"
            + "*6\r\n$4\r\nname\r\n$6\r\ngetter\r\n$11\r\ndescription\r\n$5\r\nreads\r\n$5\r\nflags\r\n*2\r\n+no-writes\r\n+allow-stale\r\n"
            + "*6\r\n$4\r\nname\r\n$6\r\nsetter\r\n$11\r\ndescription\r\n$-1\r\n$5\r\nflags\r\n*0\r\n"
            + "$12\r\nlibrary_code\r\n$" + Library.Length + "\r\n" + Library + "\r\n", h.LastRaw[4..]);
        Assert.Equal(8, library.Items.Count);
        var stats = h.Run("FUNCTION", "STATS");
        Assert.Equal("*4\r\n$14\r\nrunning_script\r\n$-1\r\n$7\r\nengines\r\n*2\r\n$3\r\nLUA\r\n*4\r\n$15\r\nlibraries_count\r\n:2\r\n$15\r\nfunctions_count\r\n:3\r\n", h.LastRaw);
        _ = stats;
    }

    [Fact]
    public void Dump_and_restore_move_every_library_with_redis_policies()
    {
        using var h = new ScriptHarness();
        h.Run("FUNCTION", "LOAD", Library);
        var dump = h.Run("FUNCTION", "DUMP").Bytes.ToArray();
        byte[] function = [.. "FUNCTION"u8], restore = [.. "RESTORE"u8];
        Assert.Equal("ERR Library mylib already exists", h.Run(function, restore, dump).AsString());
        Assert.Equal("OK", h.Run("FUNCTION", "FLUSH").AsString());
        Assert.Equal("ERR Function not found", h.Run("FCALL", "getter", "0").AsString());
        Assert.Equal("OK", h.Run(function, restore, dump).AsString());
        Assert.Equal("OK", h.Run(function, restore, dump, [.. "REPLACE"u8]).AsString());
        Assert.Equal("OK", h.Run(function, restore, dump, [.. "FLUSH"u8]).AsString());
        h.Run("FCALL", "setter", "1", "k", "v");
        Assert.Equal("v", h.Run("FCALL_RO", "getter", "1", "k").AsString());
    }

    [Fact]
    public void A_follower_applying_the_load_entry_can_call_the_function_and_a_rollback_removes_it()
    {
        using var leader = new ScriptHarness();
        leader.Run("FUNCTION", "LOAD", Library);
        var entry = leader.LastPayload!;
        Assert.Contains(LogicalPayload.Decode(entry), c => c is FunctionRecordChange); // a row change of its own, in the logical payload
        Assert.Equal(entry, LogicalPayload.Encode(LogicalPayload.Decode(entry)));

        using var follower = new ScriptHarness(); // another engine: it never compiled the library
        follower.Apply(entry);
        follower.Run("FCALL", "setter", "1", "k", "v");
        Assert.Equal("v", follower.Run("FCALL_RO", "getter", "1", "k").AsString());
        Assert.Single(follower.Run("FUNCTION", "LIST").Items);

        follower.Apply(entry, undo: true);
        Assert.Equal("ERR Function not found", follower.Run("FCALL", "getter", "0").AsString());
        Assert.Empty(follower.Run("FUNCTION", "LIST").Items);
    }

    [Fact]
    public void A_library_that_loops_while_loading_is_stopped_by_the_time_limit()
    {
        long nowMs = 0;
        using var h = new ScriptHarness(new ScriptLimits(1000, () => nowMs += 100));
        var reply = h.Run("FUNCTION", "LOAD", "#!lua name=loop\nwhile true do end");
        Assert.Equal("ERR Error registering functions: it ran past the time limit (chorus-script-time-max-ms 1000 ms)", reply.AsString());
        Assert.False(h.Engine.IsRunning);
        Assert.Equal("ok", h.Run("FUNCTION", "LOAD", "#!lua name=ok\nredis.register_function('f', function() return 1 end)").AsString());
    }

    [Fact]
    public void Function_kill_stops_a_running_function_that_has_not_written()
    {
        ScriptEngine? engine = null;
        string? runningSeen = null;
        var checks = 0;
        using var h = new ScriptHarness(new ScriptLimits(long.MaxValue, () =>
        {
            // FUNCTION KILL arrives from another connection while the function runs.
            if (++checks == 3 && engine!.RunningFunction is { } running)
            {
                runningSeen = running;
                Assert.Equal(KillOutcome.FunctionRuns, engine.RequestKill(function: false)); // SCRIPT KILL does not stop a function
                Assert.Equal(KillOutcome.Killed, engine.RequestKill(function: true));
            }
            return 0;
        }));
        engine = h.Engine;
        h.Run("FUNCTION", "LOAD", "#!lua name=loop\nredis.register_function('spin', function() redis.call('GET', 'k') while true do end end)");
        var reply = h.Run("FCALL", "spin", "0");
        Assert.Equal("spin", runningSeen);
        Assert.Equal("ERR Error running function spin: killed by the user with FUNCTION KILL; its writes were undone", reply.AsString());
        Assert.Null(h.LastPayload);
        Assert.True(h.Run("GET", "k").IsNull);
        Assert.Null(engine.RunningFunction);
    }
}
