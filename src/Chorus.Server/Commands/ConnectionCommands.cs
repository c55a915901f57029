using System.Globalization;
using System.Text;
using Chorus.Commands.Execution;
using Chorus.Resp;
using Chorus.Server.Security;

namespace Chorus.Server.Commands;

/// <summary>PING, ECHO, QUIT, SELECT, AUTH, READONLY, READWRITE, TIME: the connection basics.</summary>
internal static class ConnectionCommands
{
    private const CommandFlags Fast = CommandFlags.Fast | CommandFlags.Loading | CommandFlags.Stale;

    public static IEnumerable<ServerCommand> All =>
    [
        new(new CommandSpec("PING", -1, Fast, 0, 0, 0), Ping),
        new(new CommandSpec("ECHO", 2, Fast, 0, 0, 0), Echo),
        new(new CommandSpec("QUIT", -1, Fast | CommandFlags.NoScript, 0, 0, 0), Quit),
        new(new CommandSpec("SELECT", 2, Fast | CommandFlags.NoScript, 0, 0, 0), Select),
        new(new CommandSpec("AUTH", -2, Fast | CommandFlags.NoScript, 0, 0, 0), Auth),
        new(new CommandSpec("READONLY", 1, Fast, 0, 0, 0), Ok),
        new(new CommandSpec("READWRITE", 1, Fast, 0, 0, 0), Ok),
        new(new CommandSpec("TIME", 1, Fast | CommandFlags.Random, 0, 0, 0), Time),
    ];

    private static ValueTask Ping(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        switch (command.ArgumentCount)
        {
            case 1:
                reply.WriteSimpleString("PONG"u8);
                break;
            case 2:
                reply.WriteBulkString(command[1]);
                break;
            default:
                reply.WriteError(Errors.WrongArgumentCount("ping"));
                break;
        }
        return ValueTask.CompletedTask;
    }

    private static ValueTask Echo(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        reply.WriteBulkString(command[1]);
        return ValueTask.CompletedTask;
    }

    private static ValueTask Quit(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        context.Session.CloseRequested = true;
        reply.WriteOk();
        return ValueTask.CompletedTask;
    }

    private static ValueTask Select(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        if (!long.TryParse(command[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index))
        {
            reply.WriteError(Errors.NotInteger);
        }
        else if (index != 0)
        {
            reply.WriteError("ERR DB index is out of range");
        }
        else
        {
            reply.WriteOk();
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>AUTH password (the default user) | AUTH username password, with Redis's replies.</summary>
    private static ValueTask Auth(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        var access = context.Node.Access;
        if (command.ArgumentCount > 3)
        {
            reply.WriteError(Errors.Syntax);
        }
        else if (command.ArgumentCount == 2 && access.Default.NoPass)
        {
            reply.WriteError("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?");
        }
        else if (TryAuthenticate(context, command.ArgumentCount == 2 ? "default" : Text(command[1]), Text(command[command.ArgumentCount - 1])))
        {
            reply.WriteOk();
        }
        else
        {
            reply.WriteError(AccessControl.WrongPassError);
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>Authenticates the connection as <paramref name="user"/>; a failure is logged in ACL LOG, as in Redis.</summary>
    public static bool TryAuthenticate(ServerCommandContext context, string user, string password)
    {
        var access = context.Node.Access;
        if (access.Authenticate(user, password) is not { } authenticated)
        {
            access.Log.Add("auth", "AUTH", user, ClientCommand.Describe(context.Node, context.Session));
            return false;
        }
        context.Session.User = authenticated;
        context.Session.UserVersion = access.Version;
        return true;
    }

    private static ValueTask Ok(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        reply.WriteOk();
        return ValueTask.CompletedTask;
    }

    private static ValueTask Time(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        var now = context.Node.Clock.GetUtcNow();
        var micros = (now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
        reply.WriteArrayHeader(2);
        reply.WriteBulkString(micros / 1_000_000);
        reply.WriteBulkString(micros % 1_000_000);
        return ValueTask.CompletedTask;
    }

    public static string Text(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
}
