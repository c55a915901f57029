namespace Chorus.Scripting;

/// <summary>
/// How long a script may run before it is stopped (lua-time-limit / busy-reply-threshold,
/// Redis's default 5000 ms). Time comes from <paramref name="ClockMs"/>, a clock the host injects
/// (the simulator passes a virtual one; none: only <paramref name="InstructionsMax"/> counts).
/// A Lua count hook checks both every <see cref="HookInstructions"/> instructions: deterministic
/// for a given clock.
/// </summary>
public sealed record ScriptLimits(long TimeLimitMs, Func<long>? ClockMs, long InstructionsMax = long.MaxValue)
{
    public const int HookInstructions = 10_000;

    public const long DefaultTimeLimitMs = 5000;

    /// <summary>The time limit is changed at run time (CONFIG SET lua-time-limit / busy-reply-threshold).</summary>
    public long TimeLimitMs { get; set; } = TimeLimitMs;
}
