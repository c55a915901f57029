using Chorus.Compat.Comparison;

namespace Chorus.Compat.Generation.Generators;

/// <summary>
/// Redis Functions: FUNCTION LOAD [REPLACE] of a few libraries (one function each, so FUNCTION
/// LIST compares as a multiset of libraries: Redis lists them in its dictionary's order), libraries
/// refused for their metadata or because a function name is taken, FCALL and FCALL_RO (the
/// no-writes check, numkeys errors, unknown functions) on the run's keys, FUNCTION DELETE, LIST
/// (LIBRARYNAME, WITHCODE), STATS and, rarely, FLUSH. Not DUMP or RESTORE: Chorus's payload is its
/// own (docs/compatibility.md). As in the scripts generator: no compile errors, no errors raised
/// by redis.call in tail position, no numbers past 2^53 (Lua 5.1 and 5.4 differ there).
/// </summary>
internal sealed class FunctionGenerator : CommandTable
{
    private static readonly (string Library, string Function, string Body)[] Libraries =
    [
        ("lib_get", "fget", "redis.register_function{function_name='fget', callback=function(keys, args) return redis.call('GET', keys[1]) end, flags={'no-writes'}, description='reads a key'}"),
        ("lib_incr", "fincr", "redis.register_function('fincr', function(keys, args)\n  local v = redis.call('INCR', keys[1])\n  if v > 2^53 or v < -2^53 then return 'big' end\n  return v\nend)"),
        ("lib_set", "fset", "redis.register_function('fset', function(keys, args) redis.call('SET', keys[1], args[1]) return redis.call('STRLEN', keys[1]) end)"),
        ("lib_push", "fpush", "redis.register_function('fpush', function(keys, args) local n = redis.call('RPUSH', keys[1], args[1]) return {n, redis.call('LRANGE', keys[1], 0, -1)} end)"),
        ("lib_conv", "fconv", "redis.register_function{function_name='fconv', callback=function(keys, args) return {keys[1], args[1], 3.7, false, 5, #keys + #args} end, flags={'no-writes', 'allow-stale'}}"),
        ("lib_status", "fstatus", "redis.register_function{function_name='fstatus', callback=function() return redis.status_reply('FINE') end, flags={'allow-oom', 'no-writes'}, description='ok'}"),
        ("lib_pcall", "fpcall", "redis.register_function('fpcall', function(keys, args) local r = redis.pcall('HSET', keys[1], 'f', args[1]) if type(r) == 'table' then return r.err end return r end)"),
        ("lib_type", "ftype", "redis.register_function{function_name='ftype', callback=function(keys) local t = redis.call('TYPE', keys[1]) return t end, flags={'no-writes'}}"),
        ("lib_clash", "fget", "redis.register_function('fget', function(keys, args) return 'clash' end)"),
        ("lib_err", "ferr", "redis.register_function('ferr', function(keys, args) return redis.error_reply('MY error') end)"),
    ];

    private static readonly string[] BadLibraries =
    [
        "return 1",
        "#!lua name=lib_x",
        "#!lua\nredis.register_function('fx', function() return 1 end)",
        "#!lua name=lib_x name=lib_y\nredis.register_function('fx', function() return 1 end)",
        "#!lua name=lib-x\nredis.register_function('fx', function() return 1 end)",
        "#!lua name=lib_x other=1\nredis.register_function('fx', function() return 1 end)",
        "#!js name=lib_x\nredis.register_function('fx', function() return 1 end)",
        "#!lua name=lib_x\nlocal unused = 1",
        "#!lua name=lib_x\nredis.register_function('fx')",
        "#!lua name=lib_x\nredis.register_function('f-x', function() return 1 end)",
        "#!lua name=lib_x\nredis.register_function{function_name='fx', callback=function() return 1 end, flags={'sometimes'}}",
        "#!lua name=lib_x\nredis.register_function{function_name='fx', callback=function() return 1 end, other=1}",
        "#!lua name=lib_x\nredis.register_function('fx', function() return 1 end)\nredis.register_function('fx', function() return 2 end)",
        "#!lua name=lib_x\nx = 1",
        "#!lua name=lib_x\nredis.call('SET', 'k', 'v')",
    ];

    public override string Name => "functions";

    protected override IReadOnlyList<CommandCase> Build() =>
    [
        new("FUNCTION", -2, 4, f => Load(f)),
        new("FUNCTION", -2, 1, f => Step.OnKeys([], ReplyChecks.Exact, "FUNCTION", "LOAD", f.Pick(BadLibraries))),
        new("FCALL", -3, 6, f => Call(f, f.Chance(0.8) ? "FCALL" : "FCALL_RO")),
        new("FUNCTION", -2, 1, f => Step.OnKeys([], ReplyChecks.Exact, "FUNCTION", "DELETE", f.Chance(0.9) ? f.Pick(Libraries).Library : "lib_none")),
        new("FUNCTION", -2, 1, f => List(f)),
        new("FUNCTION", -2, 1, f => f.Chance(0.1)
            ? Step.OnKeys([], ReplyChecks.Exact, "FUNCTION", "FLUSH", f.Pick("SYNC", "ASYNC"))
            : Step.OnKeys([], ReplyChecks.Exact, "FUNCTION", "STATS")),
    ];

    private static Step Load(Fuzz f)
    {
        var (library, _, body) = f.Pick(Libraries);
        var code = $"#!lua name={library}\n{body}";
        return f.Chance(0.4)
            ? Step.OnKeys([], ReplyChecks.Exact, "FUNCTION", "LOAD", "REPLACE", code)
            : Step.OnKeys([], ReplyChecks.Exact, "FUNCTION", "LOAD", code);
    }

    private static Step Call(Fuzz f, string command)
    {
        var key = f.Key();
        var function = f.Chance(0.95) ? f.Pick(Libraries).Function : "fnone";
        var numKeys = f.Chance(0.95) ? "1" : f.Pick("-1", "3", "x");
        return Step.OnKeys([key], ReplyChecks.Exact, command, function, numKeys, key, f.Chance(0.5) ? f.IntegerText() : f.Element());
    }

    private static Step List(Fuzz f)
    {
        var args = new List<object> { "FUNCTION", "LIST" };
        if (f.Chance(0.5))
        {
            args.AddRange(["LIBRARYNAME", f.Pick("lib_*", "LIB_G*", "lib_set", "*s*", "nothing")]);
        }
        if (f.Chance(0.3))
        {
            args.Add("WITHCODE");
        }
        return Step.OnKeys([], ReplyChecks.Unordered, [.. args]);
    }
}
