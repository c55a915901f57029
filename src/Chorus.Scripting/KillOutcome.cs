namespace Chorus.Scripting;

/// <summary>What SCRIPT KILL or FUNCTION KILL did (<see cref="ScriptEngine.RequestKill"/>).</summary>
public enum KillOutcome
{
    /// <summary>The script or function stops at its next hook.</summary>
    Killed,

    /// <summary>Nothing runs: -NOTBUSY.</summary>
    NotBusy,

    /// <summary>It has called a write command: -UNKILLABLE (Redis keeps a script's writes whole).</summary>
    Unkillable,

    /// <summary>FUNCTION KILL while a script runs: Redis's -BUSY naming SCRIPT KILL.</summary>
    ScriptRuns,

    /// <summary>SCRIPT KILL while a function runs: Redis's -BUSY naming FUNCTION KILL.</summary>
    FunctionRuns,
}
