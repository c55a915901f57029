using System.Globalization;
using Chorus.Core;
using Chorus.Resp;
using Chorus.Node.Sessions;
using Chorus.Server.Consistency;
using Chorus.Server.Resp;

namespace Chorus.Server.Commands;

/// <summary>
/// The parts of <c>CHORUS.SESSION</c> for clients that name their session per command over a
/// shared connection (Chorus.Client, docs/consistency.md "Clients that multiplex"):
/// <list type="bullet">
/// <item><c>LASTWRITE</c>: the first and last LSN of the entries this connection's latest write
/// group made (<c>0 0</c>: it made none, or failed) — sent right behind the write, so the client
/// can tell the leader exactly which entries were the session's;</item>
/// <item><c>NOTICES &lt;id&gt;</c>: the session's rollback notices (each <c>LSN 57 (epoch 3): k1, k2</c>),
/// after asking the leader for any it holds; showing them counts as telling them.</item>
/// </list>
/// </summary>
internal static class PerCommandSessions
{
    public static void LastWrite(ClientSession session, RespWriter reply)
    {
        var group = session.LastWriteGroup;
        reply.WriteArrayHeader(2);
        reply.WriteInteger((long)group.First.Value);
        reply.WriteInteger((long)group.Last.Value);
    }

    /// <summary>The entries named by <c>LSNS &lt;first&gt; &lt;last&gt;</c>; null unless 1 &lt;= first &lt;= last.</summary>
    public static WriteGroup? ParseGroup(string first, string last) =>
        ulong.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var f)
        && ulong.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var l) && f >= 1 && f <= l
            ? new WriteGroup(new Lsn(f), new Lsn(l))
            : null;

    public static async ValueTask NoticesAsync(ServerCommandContext context, SessionService sessions, byte[] id, RespWriter reply)
    {
        if (SessionDirectory.Invalid(id) is { } invalid)
        {
            SessionCommand.Fail(context, reply, invalid);
            return;
        }
        var named = sessions.Directory.Open(System.Text.Encoding.ASCII.GetString(id), context.Node.NowMs);
        if (named is null)
        {
            SessionCommand.Fail(context, reply, "ERR this node " + SessionDirectory.FullReason);
            return;
        }
        // Best effort, as INFO: a leader that cannot be asked leaves what this node knows.
        await sessions.RefreshAsync(named, Lsn.Zero, context.Session.Closing);
        named.TakeUntoldPerCommand();
        var notices = named.NoticesAfter(0);
        reply.WriteArrayHeader(notices.Count);
        foreach (var notice in notices)
        {
            reply.WriteBulkString(notice.ToString());
        }
    }

    /// <summary>
    /// A read that names its session: when the session has notices no per-command client was told
    /// here, the read is not run and is answered <c>-ROLLEDBACK</c> with them, once (as a bound
    /// connection's next command is). Null: run the read.
    /// </summary>
    public static string? Untold(NamedSession named) =>
        named.HasUntoldPerCommand && named.TakeUntoldPerCommand() is { Count: > 0 } untold
            ? SessionCommand.RolledBackError(named.Id, untold, "CHORUS.SESSION NOTICES <id>")
            : null;
}
