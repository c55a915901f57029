using Chorus.Resp;

namespace Chorus.Scripting;

/// <summary>Redis 7.0's replies about a busy script: -BUSY to other clients, and SCRIPT KILL's / FUNCTION KILL's outcomes.</summary>
public static class ScriptKillReplies
{
    public const string BusyScript = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";

    public const string BusyFunction = "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";

    public const string NotBusy = "NOTBUSY No scripts in execution right now.";

    public const string Unkillable = "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.";

    public static void Write(KillOutcome outcome, RespWriter reply)
    {
        switch (outcome)
        {
            case KillOutcome.Killed:
                reply.WriteOk();
                break;
            case KillOutcome.NotBusy:
                reply.WriteError(NotBusy);
                break;
            case KillOutcome.Unkillable:
                reply.WriteError(Unkillable);
                break;
            case KillOutcome.ScriptRuns:
                reply.WriteError(BusyScript);
                break;
            default:
                reply.WriteError(BusyFunction);
                break;
        }
    }
}
