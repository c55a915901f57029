using System.Globalization;
using Chorus.Commands.Execution;
using Chorus.Commands.Leaderless;
using Chorus.Resp;
using Chorus.Node.Sessions;
using Chorus.Server.Consistency;
using Chorus.Server.Resp;

using static Chorus.Server.Commands.ReplyFields;

namespace Chorus.Server.Commands;

/// <summary>
/// Cross-device sessions (docs/consistency.md):
/// <list type="bullet">
/// <item><c>CHORUS.SESSION &lt;id&gt;</c> (or <c>CHORUS.SESSION BIND &lt;id&gt;</c>) binds this connection to the
/// named session, wherever its other connections are; replies as INFO does;</item>
/// <item><c>CHORUS.SESSION INFO</c>: the bound session's position, counters and rollback notices;</item>
/// <item><c>CHORUS.SESSION UNBIND</c>: back to a session of this connection alone;</item>
/// <item><c>CHORUS.SESSION WROTE &lt;id&gt; &lt;token&gt;</c>: the session wrote up to the token through a
/// connection not bound to it (a client that multiplexes sessions over one connection, and reads
/// with <c>CHORUS.READ … SESSION &lt;id&gt;</c>); the leader records it; replies the session's token.</item>
/// </list>
/// </summary>
internal static class SessionCommand
{
    public static ServerCommand Command { get; } =
        new(new CommandSpec("CHORUS.SESSION", -2, CommandFlags.Fast | CommandFlags.Loading | CommandFlags.Stale, 0, 0, 0), Execute);

    private static async ValueTask Execute(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        var node = context.Node;
        if (node.Options.IsLeaderless || node.Sessions is not { } sessions)
        {
            Fail(context, reply, LeaderlessCommands.ReadGuaranteesRefused);
            return;
        }
        var first = ConnectionCommands.Text(command[1]).ToUpperInvariant();
        switch (first)
        {
            case "INFO" when command.ArgumentCount == 2:
                await InfoAsync(context, sessions, reply);
                return;
            case "UNBIND" when command.ArgumentCount == 2:
                context.Session.Bound = null;
                reply.WriteOk();
                return;
            case "BIND" when command.ArgumentCount == 3:
                await BindAsync(context, sessions, command[2].ToArray(), reply);
                return;
            case "WROTE" when command.ArgumentCount == 4:
                await WroteAsync(context, sessions, command[2].ToArray(), ConnectionCommands.Text(command[3]), default, null, reply);
                return;
            case "WROTE" when command.ArgumentCount >= 7 && ConnectionCommands.Text(command[4]).Equals("LSNS", StringComparison.OrdinalIgnoreCase):
                var wrote = PerCommandSessions.ParseWrote(command);
                if (wrote.Error is { } wroteError)
                {
                    Fail(context, reply, wroteError);
                    return;
                }
                await WroteAsync(context, sessions, command[2].ToArray(), ConnectionCommands.Text(command[3]), wrote.Made, wrote.Pending, reply);
                return;
            case "LASTWRITE" when command.ArgumentCount == 2:
                PerCommandSessions.LastWrite(context.Session, reply, withEpoch: false);
                return;
            case "LASTWRITE" when command.ArgumentCount == 3 && ConnectionCommands.Text(command[2]).Equals("WITHEPOCH", StringComparison.OrdinalIgnoreCase):
                PerCommandSessions.LastWrite(context.Session, reply, withEpoch: true);
                return;
            case "NOTICES" when command.ArgumentCount == 3:
                await PerCommandSessions.NoticesAsync(context, sessions, command[2].ToArray(), null, reply);
                return;
            case "NOTICES" when command.ArgumentCount >= 5 && ConnectionCommands.Text(command[3]).Equals("PENDING", StringComparison.OrdinalIgnoreCase):
                if (PerCommandSessions.ParsePending(command, 4) is not { } listed)
                {
                    Fail(context, reply, PerCommandSessions.PendingSyntax);
                    return;
                }
                await PerCommandSessions.NoticesAsync(context, sessions, command[2].ToArray(), listed, reply);
                return;
            case "INFO" or "UNBIND" or "BIND" or "WROTE" or "LASTWRITE" or "NOTICES":
                Fail(context, reply, $"ERR wrong number of arguments for 'CHORUS.SESSION {first}'");
                return;
            default:
                if (command.ArgumentCount != 2)
                {
                    Fail(context, reply, "ERR CHORUS.SESSION takes one session id (or BIND <id>, INFO, UNBIND, WROTE <id> <token> [LSNS <first> <last> [EPOCH <epoch> [PENDING <first>-<last>@<epoch> …]]], LASTWRITE [WITHEPOCH], NOTICES <id> [PENDING …])");
                    return;
                }
                await BindAsync(context, sessions, command[1].ToArray(), reply);
                return;
        }
    }

    private static async ValueTask BindAsync(ServerCommandContext context, SessionService sessions, byte[] id, RespWriter reply)
    {
        if (SessionDirectory.Invalid(id) is { } invalid)
        {
            Fail(context, reply, invalid);
            return;
        }
        var named = sessions.Directory.Open(System.Text.Encoding.ASCII.GetString(id), context.Node.NowMs);
        if (named is null)
        {
            Fail(context, reply, "ERR this node " + SessionDirectory.FullReason);
            return;
        }
        var session = context.Session;
        session.Bound = named;
        await InfoAsync(context, sessions, reply);
    }

    /// <summary>
    /// Records at the leader (asked over the peer link from a follower) that the session wrote up
    /// to <paramref name="tokenText"/>, so its reads on other devices wait for the write. The
    /// client sends it after the write's reply and before it tells the application the write is
    /// done; the leader refuses a token beyond its log. With <c>LSNS &lt;first&gt; &lt;last&gt;</c> (the
    /// entries the write made, from <c>CHORUS.SESSION LASTWRITE</c>) the leader remembers them for
    /// rollback attribution, and the reply is an array: the token, then the session's rollback
    /// notices this node has not told a per-command client yet (each once).
    /// </summary>
    private static async ValueTask WroteAsync(ServerCommandContext context, SessionService sessions, byte[] id, string tokenText, WriteGroup made, IReadOnlyList<WriteGroup>? pending, RespWriter reply)
    {
        if (SessionDirectory.Invalid(id) is { } invalid)
        {
            Fail(context, reply, invalid);
            return;
        }
        if (!SessionToken.TryParse(tokenText, out var token, out var error))
        {
            Fail(context, reply, error);
            return;
        }
        if (token.ForeignTo(context.Node.ClusterId) is { } foreign)
        {
            Fail(context, reply, foreign);
            return;
        }
        var named = sessions.Directory.Open(System.Text.Encoding.ASCII.GetString(id), context.Node.NowMs);
        if (named is null)
        {
            Fail(context, reply, "ERR this node " + SessionDirectory.FullReason);
            return;
        }
        var (refused, settled) = await sessions.RecordAsync(named, Chorus.Core.Lsn.Zero, token.Lsn, made, pending ?? [], context.Session.Closing);
        if (refused is not null)
        {
            Fail(context, reply, refused);
            return;
        }
        var recorded = SessionToken.Of(Chorus.Core.Lsn.Max(named.Written, named.Seen), context.Node.ClusterId).ToString();
        if (!made.IsKnown)
        {
            reply.WriteBulkString(recorded); // the original form's reply, for clients that predate LSNS
            return;
        }
        var untold = named.TakeUntoldPerCommand();
        var withEpoch = pending is not null; // the EPOCH form: the commit point the writes were judged at goes second
        reply.WriteArrayHeader((withEpoch ? 2 : 1) + untold.Count);
        reply.WriteBulkString(recorded);
        if (withEpoch)
        {
            reply.WriteInteger((long)settled.Value);
        }
        foreach (var notice in untold)
        {
            reply.WriteBulkString(notice.ToString());
        }
    }

    /// <summary>
    /// Brings the session up to the leader's record when it can (a failed lookup leaves what this
    /// node knows: the reads themselves look up again), then describes it. Showing the notices
    /// counts as telling them: the next command runs normally.
    /// </summary>
    private static async ValueTask InfoAsync(ServerCommandContext context, SessionService sessions, RespWriter reply)
    {
        var session = context.Session;
        if (session.Bound is not { } named)
        {
            Fail(context, reply, "ERR this connection is not bound to a session: CHORUS.SESSION <id> binds it");
            return;
        }
        var unknown = await sessions.RefreshAsync(named, session.Position.Seen, session.Closing);
        session.Position.Written = Chorus.Core.Lsn.Max(session.Position.Written, named.Written);
        session.Position.Saw(named.Seen);
        var notices = named.NoticesAfter(0);
        session.NoticesDelivered = named.LatestNotice;
        var counters = named.Counters;
        var totals = named.Totals.Shown(counters, context.Node.Driver.Status.Role == Chorus.Replication.NodeRole.Leader);
        reply.WriteMapHeader(17);
        Field(reply, "id", named.Id);
        Field(reply, "token", session.Position.TokenIn(context.Node.ClusterId).ToString());
        Field(reply, "written_lsn", (long)named.Written.Value);
        Field(reply, "seen_lsn", (long)named.Seen.Value);
        Field(reply, "writes", counters.Writes);
        Field(reply, "reads", counters.Reads);
        Field(reply, "reads_waited", counters.Waited);
        Field(reply, "reads_forwarded", counters.Forwarded);
        Field(reply, "reads_refused", counters.Refused);
        // Summed over the nodes the session's connections use, as the leader knows them (SessionTotals).
        Field(reply, "cluster_writes", totals.Writes);
        Field(reply, "cluster_reads", totals.Reads);
        Field(reply, "cluster_reads_waited", totals.Waited);
        Field(reply, "cluster_reads_forwarded", totals.Forwarded);
        Field(reply, "cluster_reads_refused", totals.Refused);
        Field(reply, "idle_ms", Math.Max(0, context.Node.NowMs - named.LastActiveMs));
        Field(reply, "position_source", unknown is null ? "leader" : "this node (the leader could not be asked: " + unknown + ")");
        reply.WriteBulkString("rolled_back");
        reply.WriteArrayHeader(notices.Count);
        foreach (var notice in notices)
        {
            reply.WriteBulkString(notice.ToString());
        }
        named.Touch(context.Node.NowMs);
    }

    /// <summary>The one-time error that tells a bound connection its session lost writes in a failover (the command it answers was not run).</summary>
    public static string RolledBackError(ClientSession session)
    {
        var named = session.Bound!;
        var notices = named.NoticesAfter(session.NoticesDelivered);
        session.NoticesDelivered = named.LatestNotice;
        return RolledBackError(named.Id, notices, "CHORUS.SESSION INFO");
    }

    /// <summary>The <c>-ROLLEDBACK</c> error text for <paramref name="notices"/> (the command it answers was not run).</summary>
    public static string RolledBackError(string id, IReadOnlyList<RollbackNotice> notices, string listedBy) =>
        string.Create(CultureInfo.InvariantCulture,
            $"ROLLEDBACK a failover discarded {notices.Count} write(s) of session {id}: {string.Join("; ", notices)}. This command was not run; retry it ({listedBy} lists the notices)");

    internal static void Fail(ServerCommandContext context, RespWriter reply, string error)
    {
        context.Node.Stats.CountError();
        reply.WriteError(error);
    }
}
