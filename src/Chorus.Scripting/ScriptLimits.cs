namespace Chorus.Scripting;

/// <summary>
/// How long scripts run. After <see cref="BusyThresholdMs"/> (Redis's busy-reply-threshold, alias
/// lua-time-limit, default 5000 ms) other clients are answered -BUSY and a script that has not
/// written may be killed, as in Redis; after <paramref name="TimeLimitMs"/> (Chorus's
/// chorus-script-time-max-ms, which Redis does not have) the script is stopped and its writes
/// undone, so a runaway script cannot hold a replicated node for ever. Time comes from
/// <paramref name="ClockMs"/>, a clock the host injects (the simulator passes a virtual one;
/// none: only <paramref name="InstructionsMax"/> counts). A Lua count hook checks every
/// <see cref="HookInstructions"/> instructions: deterministic for a given clock.
/// </summary>
public sealed record ScriptLimits(long TimeLimitMs, Func<long>? ClockMs, long InstructionsMax = long.MaxValue)
{
    public const int HookInstructions = 10_000;

    public const long DefaultTimeLimitMs = 60_000;

    public const long DefaultBusyThresholdMs = 5000;

    /// <summary>Changed at run time by CONFIG SET busy-reply-threshold / lua-time-limit; read by connections.</summary>
    public long BusyThresholdMs
    {
        get => Volatile.Read(ref _busyThresholdMs);
        set => Volatile.Write(ref _busyThresholdMs, value);
    }

    private long _busyThresholdMs = DefaultBusyThresholdMs;
}
