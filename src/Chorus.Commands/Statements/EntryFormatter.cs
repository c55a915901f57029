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
    public static (PayloadKind Kind, byte[] Payload) ForClientWrite(LogFormatSetting setting, RespCommand command, int db, long nowMs, byte[] logicalPayload)
    {
        if (setting.Format != LogFormat.Statement || RunsScript(command))
        {
            // A script is logged as its effects in every format (as Redis 7 replicates scripts):
            // re-running it on a follower would need the same script cache, time and randomness.
            // FUNCTION LOAD|DELETE|FLUSH|RESTORE too: their effects are the library records.
            return (PayloadKind.Logical, logicalPayload);
        }
        var statement = setting.Rewrite
            ? new Statement(db, nowMs, StatementRewriter.Rewrite(command, nowMs, () => LogicalPayload.Decode(logicalPayload)))
            : new Statement(db, LeaderNowMs: null, StatementRewriter.Arguments(command));
        return (PayloadKind.Statement, StatementPayload.Encode(statement));
    }

    private static bool RunsScript(RespCommand command) =>
        command.NameIs("EVAL"u8) || command.NameIs("EVALSHA"u8) || command.NameIs("EVAL_RO"u8) || command.NameIs("EVALSHA_RO"u8) || command.NameIs("FCALL"u8) || command.NameIs("FCALL_RO"u8) || command.NameIs("FUNCTION"u8);
}
