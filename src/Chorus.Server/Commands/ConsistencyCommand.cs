using Chorus.Commands.Execution;
using Chorus.Commands.Leaderless;
using Chorus.Resp;
using Chorus.Server.Consistency;

namespace Chorus.Server.Commands;

/// <summary>
/// The read guarantees (docs/consistency.md):
/// <list type="bullet">
/// <item><c>CHORUS.CONSISTENCY [level [bound-ms] [options]]</c> sets this connection's level for
/// every later read (no arguments: shows it);</item>
/// <item><c>CHORUS.READ level [bound-ms] [options] command [args…]</c> runs one read command under
/// a level, leaving the connection's alone — usable from redis-cli and any client;</item>
/// <item><c>CHORUS.TOKEN</c> returns the session's position (everything it wrote or read) as a
/// token another connection can pass with <c>AFTER</c>.</item>
/// </list>
/// </summary>
internal static class ConsistencyCommand
{
    private const CommandFlags Flags = CommandFlags.Fast | CommandFlags.Loading | CommandFlags.Stale;

    public static IEnumerable<ServerCommand> All =>
    [
        new(new CommandSpec("CHORUS.CONSISTENCY", -1, Flags, 0, 0, 0), Set),
        new(new CommandSpec("CHORUS.READ", -3, CommandFlags.ReadOnly | CommandFlags.Loading | CommandFlags.Stale, 0, 0, 0), Read),
        new(new CommandSpec("CHORUS.TOKEN", 1, Flags, 0, 0, 0), Token),
    ];

    private static ValueTask Set(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        if (command.ArgumentCount == 1)
        {
            Describe(context.Session.Consistency, context.Session.Position.TokenIn(context.Node.ClusterId), context.Session.Bound?.Id, reply);
            return ValueTask.CompletedTask;
        }
        if (context.Node.Options.IsLeaderless)
        {
            context.Node.Stats.CountError();
            reply.WriteError(LeaderlessCommands.ReadGuaranteesRefused);
            return ValueTask.CompletedTask;
        }
        if (!TryParseHere(context, command, commandFollows: false, out var settings, out _, out var error))
        {
            context.Node.Stats.CountError();
            reply.WriteError(error);
            return ValueTask.CompletedTask;
        }
        context.Session.Consistency = settings;
        reply.WriteOk();
        return ValueTask.CompletedTask;
    }

    private static async ValueTask Read(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        if (context.Node.Options.IsLeaderless)
        {
            context.Node.Stats.CountError();
            reply.WriteError(LeaderlessCommands.ReadGuaranteesRefused);
            return;
        }
        if (!TryParseHere(context, command, commandFollows: true, out var settings, out var next, out var error))
        {
            context.Node.Stats.CountError();
            reply.WriteError(error);
            return;
        }
        if (next >= command.ArgumentCount)
        {
            context.Node.Stats.CountError();
            reply.WriteError("ERR CHORUS.READ needs a read command after the level: CHORUS.READ <level> [options] <command> [args...]");
            return;
        }
        var inner = command.Skip(next);
        var known = context.Node.Commands.TryGet(inner[0], out var spec);
        if (!known || spec.Read is null || !spec.AcceptsArgumentCount(inner.ArgumentCount))
        {
            context.Node.Stats.CountError();
            reply.WriteError(known && spec.Read is not null
                ? Errors.WrongArgumentCount(spec.Name)
                : $"ERR CHORUS.READ runs read commands (GET, MGET, HGETALL, …), not '{ConnectionCommands.Text(inner[0])}'");
            return;
        }
        if (!context.Dispatcher!.Permitted(context.Session, spec, inner, reply))
        {
            return; // the user may run CHORUS.READ, but not this read (its command or its keys)
        }
        await context.Dispatcher.GuardedReads.ExecuteAsync(context.Session, settings, spec, inner, reply);
    }

    /// <summary>The level's arguments, refusing an <c>AFTER</c> token of another cluster than this node's.</summary>
    private static bool TryParseHere(ServerCommandContext context, RespCommand command, bool commandFollows, out ConsistencySettings settings, out int next, out string error)
    {
        if (!ConsistencyArguments.TryParse(command, 1, commandFollows, out settings, out next, out error))
        {
            return false;
        }
        error = settings.After.ForeignTo(context.Node.ClusterId) ?? "";
        return error.Length == 0;
    }

    private static ValueTask Token(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        reply.WriteBulkString(context.Session.Position.TokenIn(context.Node.ClusterId).ToString());
        return ValueTask.CompletedTask;
    }

    private static void Describe(ConsistencySettings settings, SessionToken token, string? session, RespWriter reply)
    {
        reply.WriteMapHeader(8);
        reply.WriteBulkString("level");
        reply.WriteBulkString(settings.LevelName);
        reply.WriteBulkString("bound_ms");
        reply.WriteInteger(settings.Level == ConsistencyLevel.Bounded ? settings.BoundMs : -1);
        reply.WriteBulkString("wait_ms");
        reply.WriteInteger(settings.WaitMs);
        reply.WriteBulkString("on_timeout");
        reply.WriteBulkString(settings.OnTimeout.ToString().ToLowerInvariant());
        reply.WriteBulkString("strategy");
        reply.WriteBulkString(settings.Level == ConsistencyLevel.ReadYourWrites ? settings.StrategyText : "");
        reply.WriteBulkString("after");
        reply.WriteBulkString(settings.After.IsEmpty ? "" : settings.After.ToString());
        reply.WriteBulkString("token");
        reply.WriteBulkString(token.ToString());
        reply.WriteBulkString("session");
        reply.WriteBulkString(session ?? "");
    }
}
