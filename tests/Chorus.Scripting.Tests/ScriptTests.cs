using Chorus.Commands.Logical;

namespace Chorus.Scripting.Tests;

/// <summary>
/// Redis 7.0's scripting reference ("Scripting with Lua", "Lua API", EVAL): replies converted
/// from Lua by Redis's rules, KEYS and ARGV, redis.call and redis.pcall, error wording byte for
/// byte as redis-server 7.0 gives it, the sandbox, and — Chorus's own — a script's writes are one
/// payload (one log entry), and a script stopped by its time limit or SCRIPT KILL leaves nothing.
/// </summary>
public sealed class ScriptTests : IDisposable
{
    private readonly ScriptHarness _h = new();

    public void Dispose() => _h.Dispose();

    private static string Sha(string script) => ScriptCache.Sha1Hex(System.Text.Encoding.UTF8.GetBytes(script));

    [Fact]
    public void Lua_values_become_replies_by_redis_rules()
    {
        Assert.Equal("*5\r\n:1\r\n:2\r\n:3\r\n$1\r\nx\r\n$-1\r\n", Raw("return {1,2,3.7,'x',false,nil,5}"));
        Assert.Equal(":3\r\n", Raw("return 3.99"));
        Assert.Equal(":-3\r\n", Raw("return -3.99"));
        Assert.Equal(":1\r\n", Raw("return true"));
        Assert.Equal("$-1\r\n", Raw("return false"));
        Assert.Equal("$-1\r\n", Raw("return nil"));
        Assert.Equal("+fine\r\n", Raw("return {ok='fine'}"));
        Assert.Equal("-boom\r\n", Raw("return {err='boom'}"));
        Assert.Equal("-MY bad\r\n", Raw("return redis.error_reply('MY bad')"));
        Assert.Equal("+FINE\r\n", Raw("return redis.status_reply('FINE')"));
        Assert.Equal("*3\r\n:1\r\n*2\r\n:2\r\n*1\r\n:3\r\n+PONG\r\n", Raw("return {1,{2,{3}}, redis.call('ping')}"));
        Assert.Equal("$1\r\na\r\n", Raw("local t = {}; t[1]='a'; t[3]='c'; return t[1]"));
        Assert.Equal("$40\r\nda39a3ee5e6b4b0d3255bfef95601890afd80709\r\n", Raw("return redis.sha1hex('')"));
    }

    [Fact]
    public void Keys_and_argv_hold_the_arguments_after_numkeys()
    {
        Assert.Equal("kv", _h.Run("EVAL", "return KEYS[1]..ARGV[1]", "1", "k", "v").AsString());
        Assert.Equal(2, _h.Run("EVAL", "return #ARGV", "0", "a", "b").Integer);
        Assert.Equal("ERR Number of keys can't be negative", _h.Run("EVAL", "return 1", "-1").AsString());
        Assert.Equal("ERR Number of keys can't be greater than number of args", _h.Run("EVAL", "return 1", "5", "a").AsString());
        Assert.Equal("ERR value is not an integer or out of range", _h.Run("EVAL", "return 1", "x").AsString());
    }

    [Fact]
    public void A_scripts_writes_are_one_payload_and_its_reads_see_them()
    {
        var reply = _h.Run("EVAL", "redis.call('SET', KEYS[1], ARGV[1]); redis.call('RPUSH', KEYS[2], 'a', 'b'); redis.call('INCR', KEYS[1]); return redis.call('GET', KEYS[1])", "2", "n", "l", "41");
        Assert.Equal("42", reply.AsString());
        var keys = LogicalPayload.Decode(_h.LastPayload).OfType<KeyChange>().Select(c => System.Text.Encoding.UTF8.GetString(c.Key)).ToList();
        Assert.Equal(["n", "l", "n"], keys);
        Assert.Equal(2, _h.Run("LLEN", "l").Integer);
    }

    [Fact]
    public void Redis_call_raises_a_commands_error_and_redis_pcall_returns_it()
    {
        _h.Run("SET", "s", "str");
        Assert.Equal($"-ERR value is not an integer or out of range script: {Sha("\nlocal v = redis.call('incr','s') return v")}, on @user_script:2.\r\n", Raw("\nlocal v = redis.call('incr','s') return v"));
        // In tail position too (Lua 5.4 would drop the script's frame: TailCallGuard keeps it).
        Assert.Equal($"-ERR value is not an integer or out of range script: {Sha("return redis.call('incr','s')")}, on @user_script:1.\r\n", Raw("return redis.call('incr','s')"));
        Assert.Equal($"-ERR value is not an integer or out of range script: {Sha("--[[ x ]] local s = 'return redis.call(' \n return  redis.call('incr', \"s\")")}, on @user_script:2.\r\n", Raw("--[[ x ]] local s = 'return redis.call(' \n return  redis.call('incr', \"s\")"));
        Assert.Equal("-ERR value is not an integer or out of range\r\n", Raw("return redis.pcall('incr','s')"));
        Assert.StartsWith("-ERR Unknown Redis command called from script script: ", Raw("return redis.call('nosuch')"));
        Assert.StartsWith("-ERR Wrong number of args calling Redis command from script script: ", Raw("return redis.call('get')"));
        Assert.StartsWith("-ERR This Redis command is not allowed from script script: ", Raw("return redis.call('blpop','k',0)"));
        Assert.StartsWith("-ERR This Redis command is not allowed from script script: ", Raw("return redis.call('eval','return 1',0)"));
        Assert.StartsWith("-ERR Lua redis lib command arguments must be strings or integers script: ", Raw("return redis.call('get', {})"));
        Assert.Equal($"-X custom script: {Sha("\nreturn error({err='X custom'})")}, on @user_script:2.\r\n", Raw("\nreturn error({err='X custom'})"));
        Assert.Equal($"-ERR user_script:1: oops script: {Sha("error('oops')")}, on @user_script:1.\r\n", Raw("error('oops')"));
    }

    [Fact]
    public void A_script_that_fails_keeps_the_writes_it_made_before_as_redis_does()
    {
        _h.Run("SET", "s", "str");
        var reply = _h.Run("EVAL", "redis.call('SET','done','1'); redis.call('INCR','s'); redis.call('SET','never','1')", "0");
        Assert.True(reply.IsError);
        Assert.NotNull(_h.LastPayload);
        Assert.Equal("1", _h.Run("GET", "done").AsString());
        Assert.True(_h.Run("GET", "never").IsNull);
    }

    [Fact]
    public void Read_only_scripts_refuse_writes()
    {
        Assert.StartsWith("-ERR Write commands are not allowed from read-only scripts. script: ", RawWith("EVAL_RO", "return redis.call('set','k','v')"));
        _h.Run("SET", "k", "v");
        Assert.Equal("v", _h.Run("EVAL_RO", "return redis.call('get','k')", "0").AsString());
    }

    [Fact]
    public void The_sandbox_has_no_os_io_or_loading_and_globals_are_read_only()
    {
        foreach (var name in new[] { "os", "io", "load", "loadfile", "dofile", "require", "debug", "package" })
        {
            Assert.StartsWith($"-ERR user_script:1: Script attempted to access nonexistent global variable '{name}' script: ", Raw($"return {name}"));
        }
        Assert.StartsWith("-ERR user_script:1: Attempt to modify a readonly table script: ", Raw("x=1"));
        Assert.StartsWith("-ERR user_script:1: Attempt to modify a readonly table script: ", Raw("string.rep = nil"));
        Assert.Equal("6", _h.Run("EVAL", "local t = {} for i = 1, 3 do t[i] = i end return tostring(t[1] + t[2] + t[3])", "0").AsString());
        Assert.Equal(3, _h.Run("EVAL", "return select('#', unpack({1, 2, 3}))", "0").Integer);
    }

    [Fact]
    public void Every_script_starts_from_the_same_random_seed()
    {
        var first = _h.Run("EVAL", "return math.random(1000000)", "0").Integer;
        Assert.Equal(first, _h.Run("EVAL", "return math.random(1000000) + 0", "0").Integer);
    }

    [Fact]
    public void Evalsha_runs_a_cached_script_and_an_unknown_one_is_noscript()
    {
        var sha = Sha("return ARGV[1]");
        Assert.Equal("NOSCRIPT No matching script. Please use EVAL.", _h.Run("EVALSHA", sha, "0", "x").AsString());
        _h.Run("EVAL", "return ARGV[1]", "0", "x");
        Assert.Equal("y", _h.Run("EVALSHA", sha.ToUpperInvariant(), "0", "y").AsString());
        _h.Engine.Cache.Flush();
        Assert.True(_h.Run("EVALSHA", sha, "0", "z").IsError);
        Assert.Null(ScriptEngine.CompileError("return 1"u8.ToArray()));
        Assert.StartsWith("ERR Error compiling script (new function): user_script:1:", ScriptEngine.CompileError("syntax error here"u8.ToArray()));
        Assert.StartsWith("-ERR Error compiling script (new function): user_script:1:", Raw("return ("));
    }

    [Fact]
    public void A_blocking_command_in_a_script_answers_at_once()
    {
        _h.BlockingAllowed = true; // EVAL sent alone: the script itself may not wait
        Assert.Equal("$-1\r\n", Raw("return redis.call('BLMPOP', '0', '1', 'q', 'LEFT')")); // nil → false → nil
        Assert.Equal(":1\r\n", Raw("return redis.call('BLMPOP', '0', '1', 'q', 'LEFT') == false"));
    }

    [Fact]
    public void Select_inside_a_script_changes_the_database_for_the_rest_of_the_script_only()
    {
        Assert.Equal("in-5", _h.Run("EVAL", "redis.call('SELECT', 5); redis.call('SET', 'k', 'in-5'); return redis.call('GET', 'k')", "0").AsString());
        Assert.True(_h.Run("GET", "k").IsNull);
    }

    [Fact]
    public void Redis_log_writes_to_the_node_log()
    {
        _h.Run("EVAL", "redis.log(redis.LOG_WARNING, 'careful', 42)", "0");
        Assert.Equal(["careful 42"], _h.Logged);
    }

    private string Raw(string script) => RawWith("EVAL", script);

    private string RawWith(string command, string script)
    {
        _h.Run(command, script, "0");
        return _h.LastRaw;
    }
}
