using System.Text;
using Chorus.Commands.Execution;
using Chorus.Resp;
using Chorus.Scripting;

namespace Chorus.Server.Commands;

/// <summary>
/// SCRIPT LOAD | EXISTS | FLUSH [ASYNC|SYNC] | KILL | HELP (Redis 7.0). The cache is this node's
/// (docs/scripting.md): LOAD compiles the script in a scratch state and caches it; KILL stops the
/// script running on the loop unless it has written (-UNKILLABLE), as in Redis.
/// </summary>
internal static class ScriptCommand
{
    public static ServerCommand Command { get; } =
        new(new CommandSpec("SCRIPT", -2, CommandFlags.NoScript, 0, 0, 0) { Group = "scripting" }, Execute);

    private static ValueTask Execute(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        var scripts = context.Node.Scripts;
        if (command.ArgumentIs(1, "LOAD"u8) && command.ArgumentCount == 3)
        {
            var body = command[2].ToArray();
            if (ScriptEngine.CompileError(body) is { } error)
            {
                reply.WriteError(error);
            }
            else
            {
                reply.WriteBulkString(scripts.Cache.Add(body));
            }
        }
        else if (command.ArgumentIs(1, "EXISTS"u8) && command.ArgumentCount >= 3)
        {
            reply.WriteArrayHeader(command.ArgumentCount - 2);
            for (var i = 2; i < command.ArgumentCount; i++)
            {
                reply.WriteInteger(scripts.Cache.Contains(Encoding.ASCII.GetString(command[i])) ? 1 : 0);
            }
        }
        else if (command.ArgumentIs(1, "FLUSH"u8) && command.ArgumentCount <= 3)
        {
            if (command.ArgumentCount == 3 && !command.ArgumentIs(2, "ASYNC"u8) && !command.ArgumentIs(2, "SYNC"u8))
            {
                reply.WriteError("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
                return ValueTask.CompletedTask;
            }
            scripts.Cache.Flush();
            reply.WriteOk();
        }
        else if (command.ArgumentIs(1, "KILL"u8) && command.ArgumentCount == 2)
        {
            ScriptKillReplies.Write(scripts.RequestKill(function: false), reply);
        }
        else if (command.ArgumentIs(1, "HELP"u8) && command.ArgumentCount == 2)
        {
            string[] lines =
            [
                "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "EXISTS <sha1> [<sha1> ...]", "    Return information about the existence of the scripts in the script cache.",
                "FLUSH [ASYNC|SYNC]", "    Flush the Lua scripts cache.",
                "KILL", "    Kill the currently executing Lua script.",
                "LOAD <script>", "    Load a script into the scripts cache without executing it.",
                "HELP", "    Print this help.",
            ];
            reply.WriteArrayHeader(lines.Length);
            foreach (var line in lines)
            {
                reply.WriteSimpleString(line);
            }
        }
        else
        {
            reply.WriteError($"ERR unknown subcommand or wrong number of arguments for '{Encoding.UTF8.GetString(command[1])}'. Try SCRIPT HELP.");
        }
        return ValueTask.CompletedTask;
    }
}
