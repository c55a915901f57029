using System.Globalization;
using System.Text;
using Chorus.Commands.Execution;
using Chorus.Resp;
using Chorus.Server.Resp;

namespace Chorus.Server.Commands;

/// <summary>CLIENT SETNAME | GETNAME | ID | INFO | LIST | SETINFO | NO-EVICT | NO-TOUCH | UNBLOCK.</summary>
internal static class ClientCommand
{
    public const string InvalidNameError = "ERR Client names cannot contain spaces, newlines or special characters.";

    public static ServerCommand Command { get; } =
        new(new CommandSpec("CLIENT", -2, CommandFlags.Admin | CommandFlags.NoScript | CommandFlags.Loading | CommandFlags.Stale, 0, 0, 0), Execute);

    public static bool IsValidName(string name) => name.All(c => c > ' ' && c <= '~');

    private static ValueTask Execute(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        var session = context.Session;
        if (command.ArgumentIs(1, "UNBLOCK"u8) && command.ArgumentCount is 3 or 4)
        {
            return ClientUnblock.ExecuteAsync(context.Node, command, reply);
        }
        if (command.ArgumentIs(1, "SETNAME"u8) && command.ArgumentCount == 3)
        {
            var name = Encoding.UTF8.GetString(command[2]);
            if (!IsValidName(name))
            {
                reply.WriteError(InvalidNameError);
            }
            else
            {
                session.Name = name.Length == 0 ? null : name;
                reply.WriteOk();
            }
        }
        else if (command.ArgumentIs(1, "GETNAME"u8) && command.ArgumentCount == 2)
        {
            if (session.Name is null)
            {
                reply.WriteNull();
            }
            else
            {
                reply.WriteBulkString(session.Name);
            }
        }
        else if (command.ArgumentIs(1, "ID"u8) && command.ArgumentCount == 2)
        {
            reply.WriteInteger(session.Id);
        }
        else if (command.ArgumentIs(1, "INFO"u8) && command.ArgumentCount == 2)
        {
            reply.WriteVerbatimString("txt", Encoding.UTF8.GetBytes(Describe(context.Node, session) + "\n"));
        }
        else if (command.ArgumentIs(1, "LIST"u8))
        {
            var lines = context.Node.Clients.All.Select(s => Describe(context.Node, s) + "\n");
            reply.WriteVerbatimString("txt", Encoding.UTF8.GetBytes(string.Concat(lines)));
        }
        else if (command.ArgumentIs(1, "SETINFO"u8) && command.ArgumentCount == 4)
        {
            SetInfo(session, command, reply);
        }
        else if ((command.ArgumentIs(1, "NO-EVICT"u8) || command.ArgumentIs(1, "NO-TOUCH"u8)) && command.ArgumentCount == 3)
        {
            reply.WriteOk();
        }
        else
        {
            reply.WriteError($"ERR unknown subcommand or wrong number of arguments for '{Encoding.UTF8.GetString(command[1])}'. Try CLIENT HELP.");
        }
        return ValueTask.CompletedTask;
    }

    private static void SetInfo(ClientSession session, RespCommand command, RespWriter reply)
    {
        var value = Encoding.UTF8.GetString(command[3]);
        if (!IsValidName(value) && value.Length > 0)
        {
            reply.WriteError("ERR lib-name cannot contain spaces, newlines or special characters.");
            return;
        }
        if (command.ArgumentIs(2, "LIB-NAME"u8))
        {
            session.LibraryName = value;
        }
        else if (command.ArgumentIs(2, "LIB-VER"u8))
        {
            session.LibraryVersion = value;
        }
        else
        {
            reply.WriteError($"ERR Unrecognized option '{Encoding.UTF8.GetString(command[2])}'");
            return;
        }
        reply.WriteOk();
    }

    /// <summary>One CLIENT LIST line, with the fields Redis prints that apply here.</summary>
    public static string Describe(NodeServices node, ClientSession session)
    {
        var ageSeconds = (node.NowMs - session.ConnectedAtMs) / 1000;
        return string.Create(CultureInfo.InvariantCulture,
            $"id={session.Id} addr={session.Remote} laddr={node.Options.ClientEndpoint} name={session.Name} age={ageSeconds} idle=0 flags=N db={session.Db} sub=0 psub=0 multi=-1 cmd={session.LastCommand.ToLowerInvariant()} user={session.User?.Name ?? "(none)"} resp={(int)session.Protocol} lib-name={session.LibraryName} lib-ver={session.LibraryVersion}");
    }
}
