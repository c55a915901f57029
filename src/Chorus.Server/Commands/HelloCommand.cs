using System.Globalization;
using Chorus.Commands.Execution;
using Chorus.Resp;
using Chorus.Server.Security;

namespace Chorus.Server.Commands;

/// <summary>HELLO [protover [AUTH user pass] [SETNAME name]]: switches RESP2/RESP3 and describes the server.</summary>
internal static class HelloCommand
{
    public static ServerCommand Command { get; } =
        new(new CommandSpec("HELLO", -1, CommandFlags.Fast | CommandFlags.Loading | CommandFlags.Stale | CommandFlags.NoScript, 0, 0, 0), Execute);

    private static ValueTask Execute(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        var session = context.Session;
        var protocol = session.Protocol;
        if (command.ArgumentCount >= 2)
        {
            if (!long.TryParse(command[1], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                reply.WriteError("ERR Protocol version is not an integer or out of range");
                return ValueTask.CompletedTask;
            }
            if (version is < 2 or > 3)
            {
                reply.WriteError("NOPROTO unsupported protocol version");
                return ValueTask.CompletedTask;
            }
            protocol = version == 3 ? RespProtocol.Resp3 : RespProtocol.Resp2;
        }
        string? name = null;
        var authenticated = false;
        for (var i = 2; i < command.ArgumentCount; i++)
        {
            if (command.ArgumentIs(i, "AUTH"u8) && i + 2 < command.ArgumentCount)
            {
                if (!ConnectionCommands.TryAuthenticate(context, ConnectionCommands.Text(command[i + 1]), ConnectionCommands.Text(command[i + 2])))
                {
                    reply.WriteError(AccessControl.WrongPassError);
                    return ValueTask.CompletedTask;
                }
                authenticated = true;
                i += 2;
            }
            else if (command.ArgumentIs(i, "SETNAME"u8) && i + 1 < command.ArgumentCount)
            {
                name = ConnectionCommands.Text(command[++i]);
                if (!ClientCommand.IsValidName(name))
                {
                    reply.WriteError(ClientCommand.InvalidNameError);
                    return ValueTask.CompletedTask;
                }
            }
            else
            {
                reply.WriteError($"ERR Syntax error in HELLO option '{ConnectionCommands.Text(command[i])}'");
                return ValueTask.CompletedTask;
            }
        }
        if (session.User is null && !authenticated)
        {
            reply.WriteError("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time");
            return ValueTask.CompletedTask;
        }
        session.Protocol = protocol;
        if (name is not null)
        {
            session.Name = name.Length == 0 ? null : name;
        }
        WriteDescription(reply.WithProtocol(protocol), context);
        return ValueTask.CompletedTask;
    }

    private static void WriteDescription(RespWriter reply, ServerCommandContext context)
    {
        reply.WriteMapHeader(7);
        reply.WriteBulkString("server");
        reply.WriteBulkString("redis");
        reply.WriteBulkString("version");
        reply.WriteBulkString(ServerVersion.RedisCompatible);
        reply.WriteBulkString("proto");
        reply.WriteInteger((int)reply.Protocol);
        reply.WriteBulkString("id");
        reply.WriteInteger(context.Session.Id);
        reply.WriteBulkString("mode");
        reply.WriteBulkString("standalone");
        reply.WriteBulkString("role");
        reply.WriteBulkString(context.Node.Driver.Status.Role == Replication.NodeRole.Leader ? "master" : "replica");
        reply.WriteBulkString("modules");
        reply.WriteArrayHeader(0);
    }
}
