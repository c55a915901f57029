using Chorus.Compat.Comparison;

namespace Chorus.Compat.Generation.Generators;

/// <summary>
/// Lua scripts (EVAL, EVALSHA, EVAL_RO, SCRIPT EXISTS) whose replies are the same on Lua 5.1
/// (Redis) and Lua 5.4 (Chorus): commands through redis.call and redis.pcall on the run's keys,
/// Redis's conversions both ways, status and error tables, numkeys errors, EVALSHA before and
/// after the script was seen. Errors raised by redis.call never in tail position (Lua 5.4 drops
/// the frame, so the line in the message differs: docs/scripting.md), no compile errors (5.1
/// and 5.4 word them differently), and no numbers past 2^53 (5.1 holds them as doubles, 5.4 as
/// integers).
/// </summary>
internal sealed class ScriptGenerator : CommandTable
{
    private static readonly string[] Scripts =
    [
        "return redis.call('GET', KEYS[1])",
        "local v = redis.call('INCR', KEYS[1]) if v > 2^53 or v < -2^53 then return 'big' end return v",
        "local v = redis.pcall('INCR', KEYS[1]) if type(v) == 'number' and (v > 2^53 or v < -2^53) then return 'big' end return v",
        "return {KEYS[1], ARGV[1], 3.7, false, 5}",
        "redis.call('SET', KEYS[1], ARGV[1]) return redis.call('STRLEN', KEYS[1])",
        "local n = redis.call('RPUSH', KEYS[1], ARGV[1]) return {n, redis.call('LRANGE', KEYS[1], 0, -1)}",
        "local t = redis.call('TYPE', KEYS[1]) return t",
        "return redis.status_reply('FINE')",
        "return redis.error_reply('MY error')",
        "return {err = 'custom'}",
        "local ok = redis.call('DEL', KEYS[1]) return ok == 1",
        "local r = redis.pcall('HSET', KEYS[1], 'f', ARGV[1]) if type(r) == 'table' then return r.err end return r",
        "return tonumber('12.9') + 1",
        "return #KEYS + #ARGV",
    ];

    public override string Name => "scripts";

    protected override IReadOnlyList<CommandCase> Build() =>
    [
        new("EVAL", -3, 6, f => Eval(f, "EVAL", f.Pick(Scripts))),
        new("EVAL_RO", -3, 1, f => Eval(f, "EVAL_RO", f.Pick(Scripts[0], Scripts[6], Scripts[1]))),
        new("EVAL", -3, 1, f => Eval(f, "EVAL", "return redis.pcall('INCR', KEYS[1])")), // an error as the reply; a number only past 2^53 would differ
        new("EVALSHA", -3, 2, f => Eval(f, f.Pick("EVALSHA", "EVALSHA_RO"), Sha(f.Pick(Scripts)))),
        new("SCRIPT", -2, 1, f => Step.OnKeys([], ReplyChecks.Exact, "SCRIPT", "EXISTS", Sha(f.Pick(Scripts)), "0000000000000000000000000000000000000000")),
    ];

    private static Step Eval(Fuzz f, string command, string script)
    {
        var key = f.Key();
        var numKeys = f.Chance(0.95) ? "1" : f.Pick("-1", "3", "x");
        return Step.OnKeys([key], ReplyChecks.Exact, command, script, numKeys, key, f.Chance(0.5) ? f.IntegerText() : f.Element());
    }

    private static string Sha(string script) => Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(System.Text.Encoding.UTF8.GetBytes(script)));
}
