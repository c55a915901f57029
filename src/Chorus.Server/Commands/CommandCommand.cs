using Chorus.Commands.Execution;
using Chorus.Resp;

namespace Chorus.Server.Commands;

/// <summary>COMMAND, COMMAND COUNT | INFO | DOCS | LIST: the command table, in Redis 7's reply shapes.</summary>
internal static class CommandCommand
{
    public static ServerCommand Command { get; } =
        new(new CommandSpec("COMMAND", -1, CommandFlags.Loading | CommandFlags.Stale, 0, 0, 0), Execute);

    private static ValueTask Execute(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        var table = context.Node.Commands;
        if (command.ArgumentCount == 1)
        {
            var all = table.All.OrderBy(c => c.Name, StringComparer.Ordinal).ToArray();
            reply.WriteArrayHeader(all.Length);
            foreach (var spec in all)
            {
                WriteInfo(reply, spec);
            }
        }
        else if (command.ArgumentIs(1, "COUNT"u8) && command.ArgumentCount == 2)
        {
            reply.WriteInteger(table.Count);
        }
        else if (command.ArgumentIs(1, "LIST"u8))
        {
            var names = table.All.Select(c => c.Name.ToLowerInvariant()).Order(StringComparer.Ordinal).ToArray();
            reply.WriteArrayHeader(names.Length);
            foreach (var name in names)
            {
                reply.WriteBulkString(name);
            }
        }
        else if (command.ArgumentIs(1, "INFO"u8))
        {
            Info(table, command, reply);
        }
        else if (command.ArgumentIs(1, "DOCS"u8))
        {
            Docs(table, command, reply);
        }
        else
        {
            reply.WriteError($"ERR unknown subcommand '{System.Text.Encoding.UTF8.GetString(command[1])}'. Try COMMAND HELP.");
        }
        return ValueTask.CompletedTask;
    }

    private static void Info(CommandTable table, RespCommand command, RespWriter reply)
    {
        reply.WriteArrayHeader(command.ArgumentCount - 2);
        for (var i = 2; i < command.ArgumentCount; i++)
        {
            if (table.TryGet(command[i], out var spec))
            {
                WriteInfo(reply, spec);
            }
            else
            {
                reply.WriteNullArray();
            }
        }
    }

    /// <summary>Summaries only: redis-cli falls back to its own hints for anything missing.</summary>
    private static void Docs(CommandTable table, RespCommand command, RespWriter reply)
    {
        var specs = new List<CommandSpec>();
        for (var i = 2; i < command.ArgumentCount; i++)
        {
            if (table.TryGet(command[i], out var spec))
            {
                specs.Add(spec);
            }
        }
        reply.WriteMapHeader(specs.Count);
        foreach (var spec in specs)
        {
            reply.WriteBulkString(spec.Name.ToLowerInvariant());
            reply.WriteMapHeader(2);
            reply.WriteBulkString("summary");
            reply.WriteBulkString($"{spec.Name} (Redis semantics)");
            reply.WriteBulkString("group");
            reply.WriteBulkString(spec.Group ?? (spec.IsWrite ? "write" : "read"));
        }
    }

    private static void WriteInfo(RespWriter reply, CommandSpec spec)
    {
        reply.WriteArrayHeader(10);
        reply.WriteBulkString(spec.Name.ToLowerInvariant());
        reply.WriteInteger(spec.Arity);
        var flags = CommandFlagNames.Of(spec.Flags).ToArray();
        reply.WriteSetHeader(flags.Length);
        foreach (var flag in flags)
        {
            reply.WriteSimpleString(flag);
        }
        reply.WriteInteger(spec.FirstKey);
        reply.WriteInteger(spec.LastKey);
        reply.WriteInteger(spec.Step);
        reply.WriteSetHeader(0); // ACL categories
        reply.WriteSetHeader(0); // tips
        reply.WriteArrayHeader(0); // key specs
        reply.WriteArrayHeader(0); // subcommands
    }
}
