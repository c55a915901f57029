namespace Chorus.Scripting.Tests;

/// <summary>
/// A script that loops is stopped: by chorus-script-time-max-ms, read from the clock the host
/// injects (here a test clock that moves 100 ms per check), or, if it has not written, by SCRIPT
/// KILL (as in Redis). A stopped script's writes are undone — they are staged until the script
/// ends — and nothing of it is logged.
/// </summary>
public sealed class ScriptLimitTests
{
    [Fact]
    public void A_looping_script_is_stopped_at_its_time_limit_and_its_writes_are_undone()
    {
        long nowMs = 0;
        using var h = new ScriptHarness(new ScriptLimits(1000, () => nowMs += 100));
        var reply = h.Run("EVAL", "redis.call('SET', 'k', 'v') while true do end", "0");
        Assert.StartsWith("ERR Error running script ", reply.AsString());
        Assert.Contains("chorus-script-time-max-ms 1000 ms", reply.AsString(), StringComparison.Ordinal);
        Assert.Null(h.LastPayload);
        Assert.True(h.Run("GET", "k").IsNull);
        Assert.False(h.Engine.IsRunning);
        Assert.Equal("again", h.Run("EVAL", "return 'again'", "0").AsString()); // the engine runs the next script
    }

    [Fact]
    public void Script_kill_stops_the_running_script()
    {
        ScriptEngine? engine = null;
        var checks = 0;
        using var h = new ScriptHarness(new ScriptLimits(long.MaxValue, () =>
        {
            // SCRIPT KILL arrives from another connection while the script runs.
            if (++checks == 3)
            {
                Assert.Equal(KillOutcome.Killed, engine!.RequestKill());
            }
            return 0;
        }));
        engine = h.Engine;
        Assert.Equal(KillOutcome.NotBusy, engine.RequestKill());
        var reply = h.Run("EVAL", "local n = 0 while true do n = n + 1 end", "0");
        Assert.Contains("killed by the user with SCRIPT KILL", reply.AsString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_clock_an_instruction_budget_stops_the_script()
    {
        using var h = new ScriptHarness(new ScriptLimits(ScriptLimits.DefaultTimeLimitMs, null, InstructionsMax: 1_000_000));
        var reply = h.Run("EVAL", "while true do end", "0");
        Assert.Contains("1000000 instructions", reply.AsString(), StringComparison.Ordinal);
    }
}
