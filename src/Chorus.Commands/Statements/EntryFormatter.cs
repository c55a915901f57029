using Chorus.Commands.Execution;
using Chorus.Commands.Logical;
using Chorus.Core.Log;
using Chorus.Resp;

namespace Chorus.Commands.Statements;

/// <summary>
/// The leader's choice of what to log for one client write, by the cluster's log format. The
/// command has run already (its row changes are staged and encoded as a logical payload), so
/// whatever is logged, the leader's own data is the same.
/// </summary>
public static class EntryFormatter
{
    /// <summary>The entry's kind and payload for <paramref name="command"/>, run at <paramref name="nowMs"/> in <paramref name="db"/>.</summary>
    /// <param name="ran">What the command did that decides whether a script may be logged as itself
    /// (<see cref="WriteContext.Repeatable"/>, <see cref="WriteContext.ScriptBody"/>); null: scripts are logged as their effects.</param>
    public static (PayloadKind Kind, byte[] Payload) ForClientWrite(LogFormatSetting setting, RespCommand command, int db, long nowMs, byte[] logicalPayload, WriteContext? ran = null)
    {
        if (setting.Format != LogFormat.Statement)
        {
            return (PayloadKind.Logical, logicalPayload);
        }
        if (RunsScript(command))
        {
            return ScriptStatement(setting, command, ran) is { } arguments
                ? (PayloadKind.Statement, StatementPayload.Encode(new Statement(db, setting.Rewrite ? nowMs : null, arguments)))
                : (PayloadKind.Logical, logicalPayload);
        }
        if (command.NameIs("FUNCTION"u8) || command.NameIs("EVAL_RO"u8) || command.NameIs("EVALSHA_RO"u8) || command.NameIs("FCALL_RO"u8))
        {
            // FUNCTION LOAD|DELETE|FLUSH|RESTORE: their effects are the library records (the _RO forms never write).
            return (PayloadKind.Logical, logicalPayload);
        }
        var statement = setting.Rewrite
            ? new Statement(db, nowMs, StatementRewriter.Rewrite(command, nowMs, () => LogicalPayload.Decode(logicalPayload)))
            : new Statement(db, LeaderNowMs: null, StatementRewriter.Arguments(command));
        return (PayloadKind.Statement, StatementPayload.Encode(statement));
    }

    /// <summary>
    /// A script as a statement (the statement format's "the script is the statement",
    /// docs/log-formats.md), or null to log its effects instead. With rewriting on, only a
    /// repeatable run is a statement — one that drew no randomness (SPOP, SRANDMEMBER, RANDOMKEY,
    /// ... inside it) and did not run near its time limit: a replica runs it at the leader's clock,
    /// with math.random seeded alike, so it writes the same. EVALSHA becomes EVAL of the body the
    /// leader ran, so a replica needs no script cache. With rewriting off, the command as sent.
    /// </summary>
    private static byte[][]? ScriptStatement(LogFormatSetting setting, RespCommand command, WriteContext? ran)
    {
        if (!setting.Rewrite)
        {
            return StatementRewriter.Arguments(command);
        }
        if (ran is not { Repeatable: true })
        {
            return null;
        }
        var arguments = StatementRewriter.Arguments(command);
        if (command.NameIs("EVALSHA"u8))
        {
            if (ran.ScriptBody is not { } body)
            {
                return null;
            }
            arguments[0] = "EVAL"u8.ToArray();
            arguments[1] = body;
        }
        return arguments;
    }

    /// <summary>Commands that run a script or a function with writes (the _RO forms write nothing, so are never logged).</summary>
    private static bool RunsScript(RespCommand command) =>
        command.NameIs("EVAL"u8) || command.NameIs("EVALSHA"u8) || command.NameIs("FCALL"u8);
}
