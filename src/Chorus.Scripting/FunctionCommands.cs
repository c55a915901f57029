using System.Text;
using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Execution;
using Chorus.Resp;

namespace Chorus.Scripting;

/// <summary>
/// FCALL, FCALL_RO and FUNCTION (Redis 7.0). FCALL runs like EVAL — on the leader's loop, its
/// writes one payload, logged as effects in every format (docs/log-formats.md). FUNCTION is a write
/// command: LOAD, DELETE, FLUSH and RESTORE change the library records
/// (<see cref="FunctionRecords"/>) through the log like any write, so libraries are durable,
/// replicated and in snapshots; on a follower they are forwarded to the leader like any write.
/// The read subcommands answer from <see cref="FunctionReplies"/> (a connection routes them there
/// itself, so FUNCTION KILL and STATS answer while a function runs).
/// </summary>
public static class FunctionCommands
{
    private const CommandFlags CallFlags = CommandFlags.Write | CommandFlags.NoScript | CommandFlags.Stale | CommandFlags.MovableKeys;

    public static IReadOnlyList<CommandSpec> Specs(ScriptEngine engine) =>
    [
        new("FCALL", -3, CallFlags, 0, 0, 0, Write: (context, command, reply) => Call(engine, context, command, reply, readOnly: false)) { Group = "scripting" },
        new("FCALL_RO", -3, CallFlags, 0, 0, 0, Write: (context, command, reply) => Call(engine, context, command, reply, readOnly: true)) { Group = "scripting" },
        new("FUNCTION", -2, CommandFlags.Write | CommandFlags.NoScript, 0, 0, 0,
            Read: (context, command, reply) => ReadSubcommand(FunctionRecords.Of(context), engine, command, reply),
            Write: (context, command, reply) => Function(engine, context, command, reply))
        {
            Group = "scripting",
            ReadsWhen = IsReadSubcommand,
        },
    ];

    /// <summary>Whether FUNCTION's subcommand only reads (a connection answers it without the loop).</summary>
    public static bool IsReadSubcommand(RespCommand command) =>
        command.ArgumentCount >= 2 && (command.ArgumentIs(1, "LIST"u8) || command.ArgumentIs(1, "DUMP"u8) || command.ArgumentIs(1, "STATS"u8)
            || command.ArgumentIs(1, "KILL"u8) || command.ArgumentIs(1, "HELP"u8));

    private static void Call(ScriptEngine engine, WriteContext context, RespCommand command, RespWriter reply, bool readOnly)
    {
        var name = Encoding.UTF8.GetString(command[1]);
        var read = FunctionRecords.Of(context);
        if (FunctionRecords.LibraryOf(read, name) is not { } library || library.Find(name) is not { } function)
        {
            reply.WriteError("ERR Function not found");
            return;
        }
        if (!IntegerText.TryParse(command[2], out _))
        {
            reply.WriteError("ERR Bad number of keys provided");
            return;
        }
        if (!ScriptCommands.TryParseKeyCount(command, reply, out var keys))
        {
            return;
        }
        var noWrites = (function.Flags & FunctionFlags.NoWrites) != 0;
        if (readOnly && !noWrites)
        {
            reply.WriteError("ERR Can not execute a script with write flag using *_ro command.");
            return;
        }
        engine.RunFunction(context, reply, library, function.Name, ScriptCommands.Slice(command, 3, 3 + keys), ScriptCommands.Slice(command, 3 + keys, command.ArgumentCount), readOnly || noWrites);
    }

    private static void Function(ScriptEngine engine, WriteContext context, RespCommand command, RespWriter reply)
    {
        var read = FunctionRecords.Of(context);
        if (command.ArgumentIs(1, "LOAD"u8))
        {
            Load(engine, context, command, reply);
        }
        else if (command.ArgumentIs(1, "DELETE"u8))
        {
            if (command.ArgumentCount != 3)
            {
                reply.WriteError("ERR wrong number of arguments for 'function|delete' command");
            }
            else if (FunctionRecords.Delete(context, Encoding.UTF8.GetString(command[2])))
            {
                reply.WriteOk();
            }
            else
            {
                reply.WriteError("ERR Library not found");
            }
        }
        else if (command.ArgumentIs(1, "FLUSH"u8) && command.ArgumentCount <= 3)
        {
            if (command.ArgumentCount == 3 && !command.ArgumentIs(2, "ASYNC"u8) && !command.ArgumentIs(2, "SYNC"u8))
            {
                reply.WriteError("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
                return;
            }
            Flush(context);
            reply.WriteOk();
        }
        else if (command.ArgumentIs(1, "RESTORE"u8) && command.ArgumentCount == 2)
        {
            reply.WriteError("ERR wrong number of arguments for 'function|restore' command");
        }
        else if (command.ArgumentIs(1, "RESTORE"u8) && command.ArgumentCount is 3 or 4)
        {
            Restore(engine, context, command, reply);
        }
        else
        {
            ReadSubcommand(read, engine, command, reply);
        }
    }

    /// <summary>LIST, DUMP, STATS, KILL, HELP; Redis's error for anything else.</summary>
    private static void ReadSubcommand(FunctionRecords.Reader read, ScriptEngine engine, RespCommand command, RespWriter reply)
    {
        if (!FunctionReplies.TryAnswer(read, engine, command, reply))
        {
            var sub = Encoding.UTF8.GetString(command[1]);
            reply.WriteError(sub.ToUpperInvariant() is "FLUSH" or "RESTORE" or "LIST" or "DUMP" or "STATS" or "KILL" or "HELP" or "LOAD" or "DELETE"
                ? $"ERR unknown subcommand or wrong number of arguments for '{sub}'. Try FUNCTION HELP."
                : $"ERR unknown subcommand '{(sub.Length > 128 ? sub[..128] : sub)}'. Try FUNCTION HELP.");
        }
    }

    private static void Load(ScriptEngine engine, WriteContext context, RespCommand command, RespWriter reply)
    {
        if (command.ArgumentCount < 3)
        {
            reply.WriteError("ERR wrong number of arguments for 'function|load' command");
            return;
        }
        var replace = false;
        for (var i = 2; i < command.ArgumentCount - 1; i++)
        {
            if (!command.ArgumentIs(i, "REPLACE"u8))
            {
                reply.WriteError("ERR Unknown option given: " + Encoding.UTF8.GetString(command[i]));
                return;
            }
            replace = true;
        }
        try
        {
            var name = Add(engine, context, command[command.ArgumentCount - 1].ToArray(), replace, quoted: true);
            reply.WriteBulkString(name);
        }
        catch (WriteRefusedException e)
        {
            reply.WriteError(e.Message);
        }
    }

    /// <summary>Compiles and stores one library; refuses (<see cref="WriteRefusedException"/>) with Redis's error. Returns its name.</summary>
    private static string Add(ScriptEngine engine, WriteContext context, byte[] code, bool replace, bool quoted)
    {
        var read = FunctionRecords.Of(context);
        if (LibraryMetadata.Parse(code, out var error) is not { } name)
        {
            throw new WriteRefusedException(error!);
        }
        if (!replace && FunctionRecords.Library(read, name) is not null)
        {
            throw new WriteRefusedException(quoted ? $"ERR Library '{name}' already exists" : $"ERR Library {name} already exists");
        }
        if (engine.Load(code, out error) is not { } functions)
        {
            throw new WriteRefusedException(error!);
        }
        foreach (var function in functions)
        {
            if (FunctionRecords.LibraryOf(read, function.Name) is { } owner && owner.Name != name)
            {
                throw new WriteRefusedException($"ERR Function {function.Name} already exists");
            }
        }
        FunctionRecords.Put(context, new FunctionLibrary(name, code, functions));
        return name;
    }

    private static void Flush(WriteContext context)
    {
        foreach (var name in FunctionRecords.Names(FunctionRecords.Of(context)))
        {
            FunctionRecords.Delete(context, name);
        }
    }

    /// <summary>
    /// RESTORE payload [FLUSH|APPEND|REPLACE]: all the payload's libraries or none (a collision
    /// throws, and the executor undoes what this command recorded).
    /// </summary>
    private static void Restore(ScriptEngine engine, WriteContext context, RespCommand command, RespWriter reply)
    {
        var policy = command.ArgumentCount == 4 ? Encoding.UTF8.GetString(command[3]).ToUpperInvariant() : "APPEND";
        if (policy is not ("FLUSH" or "APPEND" or "REPLACE"))
        {
            reply.WriteError("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
            return;
        }
        if (FunctionDump.Decode(command[2]) is not { } codes)
        {
            reply.WriteError("ERR DUMP payload version or checksum are wrong");
            return;
        }
        if (policy == "FLUSH")
        {
            Flush(context);
        }
        foreach (var code in codes)
        {
            Add(engine, context, code, replace: policy == "REPLACE", quoted: false);
        }
        reply.WriteOk();
    }
}
