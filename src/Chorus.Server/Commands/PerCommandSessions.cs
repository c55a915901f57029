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
    public static void LastWrite(ClientSession session, RespWriter reply, bool withEpoch)
    {
        var group = session.LastWriteGroup;
        reply.WriteArrayHeader(withEpoch ? 3 : 2);
        reply.WriteInteger((long)group.First.Value);
        reply.WriteInteger((long)group.Last.Value);
        if (withEpoch)
        {
            reply.WriteInteger((long)group.Epoch.Value);
        }
    }

    /// <summary>What a malformed PENDING list is told.</summary>
    public const string PendingSyntax = "ERR PENDING takes one or more writes as <first>-<last>@<epoch> (1 <= first <= last, epoch >= 1), at most 64";

    /// <summary>
    /// <c>WROTE &lt;id&gt; &lt;token&gt; LSNS &lt;first&gt; &lt;last&gt; [EPOCH &lt;epoch&gt; [PENDING &lt;group&gt; …]]</c>:
    /// the write's entries (with their epoch: the EPOCH form), and the device's earlier writes it
    /// does not know settled. <c>Pending</c> is null for the form without EPOCH (its reply is the older one).
    /// </summary>
    public static (WriteGroup Made, IReadOnlyList<WriteGroup>? Pending, string? Error) ParseWrote(RespCommand command)
    {
        if (ParseGroup(Text(command[5]), Text(command[6])) is not { } made)
        {
            return (default, null, "ERR CHORUS.SESSION WROTE <id> <token> LSNS <first> <last> takes two LSNs, 1 <= first <= last");
        }
        if (command.ArgumentCount == 7)
        {
            return (made, null, null);
        }
        if (command.ArgumentCount < 9 || !Text(command[7]).Equals("EPOCH", StringComparison.OrdinalIgnoreCase))
        {
            return (default, null, "ERR syntax error: CHORUS.SESSION WROTE <id> <token> LSNS <first> <last> [EPOCH <epoch> [PENDING <first>-<last>@<epoch> …]]");
        }
        if (!ulong.TryParse(Text(command[8]), NumberStyles.None, CultureInfo.InvariantCulture, out var epoch) || epoch < 1 || epoch > Epoch.Max.Value)
        {
            return (default, null, $"ERR EPOCH takes the epoch the write was made in, a whole number >= 1 (CHORUS.SESSION LASTWRITE WITHEPOCH gives it), not '{Text(command[8])}'");
        }
        made = made with { Epoch = new Epoch(epoch) };
        if (command.ArgumentCount == 9)
        {
            return (made, [], null);
        }
        if (!Text(command[9]).Equals("PENDING", StringComparison.OrdinalIgnoreCase) || ParsePending(command, 10) is not { } pending)
        {
            return (default, null, PendingSyntax);
        }
        return (made, pending, null);
    }

    /// <summary>The groups from argument <paramref name="from"/> on; null if any is malformed, or there are none or too many.</summary>
    public static IReadOnlyList<WriteGroup>? ParsePending(RespCommand command, int from)
    {
        var count = command.ArgumentCount - from;
        if (count < 1 || count > SessionService.PendingMax)
        {
            return null;
        }
        var groups = new List<WriteGroup>(count);
        for (var a = from; a < command.ArgumentCount; a++)
        {
            if (WriteGroup.Parse(Text(command[a])) is not { } group)
            {
                return null;
            }
            groups.Add(group);
        }
        return groups;
    }

    private static string Text(ReadOnlySpan<byte> argument) => ConnectionCommands.Text(argument);

    /// <summary>The entries named by <c>LSNS &lt;first&gt; &lt;last&gt;</c>; null unless 1 &lt;= first &lt;= last.</summary>
    public static WriteGroup? ParseGroup(string first, string last) =>
        ulong.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var f)
        && ulong.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var l) && f >= 1 && f <= l
            ? new WriteGroup(new Lsn(f), new Lsn(l))
            : null;

    /// <summary>
    /// <c>NOTICES &lt;id&gt;</c> lists the session's notices; with <c>PENDING &lt;group&gt; …</c> (a device's
    /// writes it does not know settled, as <c>&lt;first&gt;-&lt;last&gt;@&lt;epoch&gt;</c>) the leader first judges
    /// them against its committed log, and the reply starts with the commit point it judged them at.
    /// </summary>
    public static async ValueTask NoticesAsync(ServerCommandContext context, SessionService sessions, byte[] id, IReadOnlyList<WriteGroup>? pending, RespWriter reply)
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
        var (_, settled) = await sessions.RecordAsync(named, Lsn.Zero, Lsn.Zero, default, pending ?? [], context.Session.Closing);
        named.TakeUntoldPerCommand();
        var notices = named.NoticesAfter(0);
        reply.WriteArrayHeader(notices.Count + (pending is null ? 0 : 1));
        if (pending is not null)
        {
            reply.WriteInteger((long)settled.Value);
        }
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
