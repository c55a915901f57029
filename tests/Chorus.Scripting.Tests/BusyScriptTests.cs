namespace Chorus.Scripting.Tests;

/// <summary>
/// Redis 7.0's busy scripts (EVAL and FUNCTION docs, "Script timeouts"): past busy-reply-threshold
/// other clients are answered -BUSY (naming SCRIPT KILL for a script, FUNCTION KILL for a
/// function); SCRIPT KILL / FUNCTION KILL stop a script that has not written, and a script that has
/// called a write command is -UNKILLABLE. Here "another connection" is the injected clock's
/// callback, which runs on the script's hook: the clock moves 1000 ms per hook (BusyError reads
/// the clock too, so the callback does not move it, nor ask again, while it asks).
/// </summary>
public sealed class BusyScriptTests
{
    [Fact]
    public void Other_clients_are_busy_only_after_the_threshold()
    {
        ScriptEngine? engine = null;
        long nowMs = 0;
        var asking = false;
        var seen = new List<string?>();
        using var h = new ScriptHarness(new ScriptLimits(long.MaxValue, () =>
        {
            if (asking)
            {
                return nowMs;
            }
            nowMs += 1000;
            if (engine!.IsRunning)
            {
                asking = true;
                seen.Add(engine.BusyError());
                asking = false;
                if (seen.Count == 8)
                {
                    Assert.Equal(KillOutcome.Killed, engine.RequestKill());
                }
            }
            return nowMs;
        }) { BusyThresholdMs = 5000 });
        engine = h.Engine;
        Assert.Null(engine.BusyError());
        var reply = h.Run("EVAL", "while true do end", "0");
        Assert.Contains("killed by the user with SCRIPT KILL", reply.AsString(), StringComparison.Ordinal);
        // Started at 1000 (the first reading), so 2000..6000 are within the threshold.
        Assert.Equal([null, null, null, null, null, ScriptKillReplies.BusyScript, ScriptKillReplies.BusyScript], seen[..7]);
        Assert.Null(engine.BusyError());
    }

    [Fact]
    public void A_script_that_wrote_is_unkillable_and_runs_to_its_end()
    {
        ScriptEngine? engine = null;
        var outcomes = new List<KillOutcome>();
        var checks = 0;
        using var h = new ScriptHarness(new ScriptLimits(long.MaxValue, () =>
        {
            if (engine!.IsRunning && ++checks == 3)
            {
                outcomes.Add(engine.RequestKill());
                outcomes.Add(engine.RequestKill(function: true));
            }
            return 0;
        }));
        engine = h.Engine;
        var reply = h.Run("EVAL", "redis.call('SET', KEYS[1], 'v') local n = 0 for i = 1, 200000 do n = n + i end return n", "1", "k");
        Assert.Equal([KillOutcome.Unkillable, KillOutcome.Unkillable], outcomes);
        Assert.Equal(20000100000L, reply.AsInteger());
        Assert.Equal("v", h.Run("GET", "k").AsString());
    }

    [Fact]
    public void A_busy_function_names_function_kill_and_script_kill_does_not_stop_it()
    {
        ScriptEngine? engine = null;
        long nowMs = 0;
        var asking = false;
        var seen = new List<(string? Busy, KillOutcome Script)>();
        using var h = new ScriptHarness(new ScriptLimits(long.MaxValue, () =>
        {
            if (asking)
            {
                return nowMs;
            }
            nowMs += 1000;
            if (engine!.RunningFunction is not null && nowMs > 3000 && seen.Count == 0)
            {
                asking = true;
                seen.Add((engine.BusyError(), engine.RequestKill()));
                Assert.Equal(KillOutcome.Killed, engine.RequestKill(function: true));
                asking = false;
            }
            return nowMs;
        }) { BusyThresholdMs = 1000 });
        engine = h.Engine;
        h.Run("FUNCTION", "LOAD", "#!lua name=loop\nredis.register_function('spin', function() while true do end end)");
        var reply = h.Run("FCALL", "spin", "0");
        Assert.Equal([(ScriptKillReplies.BusyFunction, KillOutcome.FunctionRuns)], seen);
        Assert.Contains("killed by the user with FUNCTION KILL", reply.AsString(), StringComparison.Ordinal);
    }
}
