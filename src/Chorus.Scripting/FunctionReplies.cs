using System.Text;
using Chorus.Commands.Data.Keys;
using Chorus.Resp;

namespace Chorus.Scripting;

/// <summary>
/// The FUNCTION subcommands that only read — LIST, DUMP, STATS, KILL, HELP — with Redis 7.0's
/// replies and errors. They run on a connection against its node's replica (and, inside a write
/// group, on the loop against the staged keyspace: same answers).
/// </summary>
public static class FunctionReplies
{
    /// <summary>Answers a read subcommand; false if <paramref name="command"/> is not one.</summary>
    public static bool TryAnswer(FunctionRecords.Reader read, ScriptEngine engine, RespCommand command, RespWriter reply)
    {
        if (command.ArgumentIs(1, "LIST"u8))
        {
            List(read, command, reply);
        }
        else if (command.ArgumentIs(1, "DUMP"u8))
        {
            if (command.ArgumentCount != 2)
            {
                reply.WriteError("ERR wrong number of arguments for 'function|dump' command");
                return true;
            }
            reply.WriteBulkString(FunctionDump.Encode(FunctionRecords.All(read)));
        }
        else if (command.ArgumentIs(1, "STATS"u8))
        {
            Stats(read, engine, command, reply);
        }
        else if (command.ArgumentIs(1, "KILL"u8))
        {
            if (command.ArgumentCount != 2)
            {
                reply.WriteError("ERR wrong number of arguments for 'function|kill' command");
            }
            else
            {
                ScriptKillReplies.Write(engine.RequestKill(function: true), reply);
            }
        }
        else if (command.ArgumentIs(1, "HELP"u8) && command.ArgumentCount == 2)
        {
            Help(reply);
        }
        else
        {
            return false;
        }
        return true;
    }

    private static void List(FunctionRecords.Reader read, RespCommand command, RespWriter reply)
    {
        var withCode = false;
        byte[]? pattern = null;
        for (var i = 2; i < command.ArgumentCount; i++)
        {
            if (command.ArgumentIs(i, "WITHCODE"u8) && !withCode)
            {
                withCode = true;
            }
            else if (command.ArgumentIs(i, "LIBRARYNAME"u8) && pattern is null)
            {
                if (i + 1 >= command.ArgumentCount)
                {
                    reply.WriteError("ERR library name argument was not given");
                    return;
                }
                pattern = command[++i].ToArray();
            }
            else
            {
                reply.WriteError("ERR Unknown argument " + Encoding.UTF8.GetString(command[i]));
                return;
            }
        }
        var libraries = FunctionRecords.All(read)
            .Where(l => pattern is null || GlobPattern.IsMatch(pattern, Encoding.UTF8.GetBytes(l.Name), ignoreCase: true))
            .ToList();
        reply.WriteArrayHeader(libraries.Count);
        foreach (var library in libraries)
        {
            reply.WriteMapHeader(withCode ? 4 : 3);
            reply.WriteBulkString("library_name");
            reply.WriteBulkString(library.Name);
            reply.WriteBulkString("engine");
            reply.WriteBulkString("LUA");
            reply.WriteBulkString("functions");
            reply.WriteArrayHeader(library.Functions.Count);
            foreach (var function in library.Functions)
            {
                WriteFunction(reply, function);
            }
            if (withCode)
            {
                reply.WriteBulkString("library_code");
                reply.WriteBulkString(library.Code);
            }
        }
    }

    private static void WriteFunction(RespWriter reply, LibraryFunction function)
    {
        reply.WriteMapHeader(3);
        reply.WriteBulkString("name");
        reply.WriteBulkString(function.Name);
        reply.WriteBulkString("description");
        if (function.Description is null)
        {
            reply.WriteNull();
        }
        else
        {
            reply.WriteBulkString(function.Description);
        }
        reply.WriteBulkString("flags");
        var flags = LibraryFunction.FlagNames.Where(f => (function.Flags & f.Flag) != 0).ToList();
        reply.WriteSetHeader(flags.Count);
        foreach (var (_, name) in flags)
        {
            reply.WriteSimpleString(name); // Redis sends flags as status replies
        }
    }

    private static void Stats(FunctionRecords.Reader read, ScriptEngine engine, RespCommand command, RespWriter reply)
    {
        if (command.ArgumentCount != 2)
        {
            reply.WriteError("ERR wrong number of arguments for 'function|stats' command");
            return;
        }
        var libraries = FunctionRecords.All(read);
        reply.WriteMapHeader(2);
        reply.WriteBulkString("running_script");
        if (engine.RunningFunction is { } running)
        {
            reply.WriteMapHeader(3);
            reply.WriteBulkString("name");
            reply.WriteBulkString(running);
            reply.WriteBulkString("command");
            reply.WriteArrayHeader(2);
            reply.WriteBulkString("FCALL");
            reply.WriteBulkString(running);
            reply.WriteBulkString("duration_ms");
            reply.WriteInteger(Math.Max(0, (engine.Limits.ClockMs?.Invoke() ?? 0) - engine.RunningSinceMs));
        }
        else
        {
            reply.WriteNull();
        }
        reply.WriteBulkString("engines");
        reply.WriteMapHeader(1);
        reply.WriteBulkString("LUA");
        reply.WriteMapHeader(2);
        reply.WriteBulkString("libraries_count");
        reply.WriteInteger(libraries.Count);
        reply.WriteBulkString("functions_count");
        reply.WriteInteger(libraries.Sum(l => l.Functions.Count));
    }

    private static void Help(RespWriter reply)
    {
        string[] lines =
        [
            "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "LOAD [REPLACE] <FUNCTION CODE>",
            "    Create a new library with the given library name and code.",
            "DELETE <LIBRARY NAME>",
            "    Delete the given library.",
            "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
            "    Return general information on all the libraries:",
            "    * Library name",
            "    * The engine used to run the Library",
            "    * Library description",
            "    * Functions list",
            "    * Library code (if WITHCODE is given)",
            "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
            "STATS",
            "    Return information about the current function running:",
            "    * Function name",
            "    * Command used to run the function",
            "    * Duration in MS that the function is running",
            "    If no function is running, return nil",
            "    In addition, returns a list of available engines.",
            "KILL",
            "    Kill the current running function.",
            "FLUSH [ASYNC|SYNC]",
            "    Delete all the libraries.",
            "    When called without the optional mode argument, the behavior is determined by the",
            "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
            "    * ASYNC: Asynchronously flush the libraries.",
            "    * SYNC: Synchronously flush the libraries.",
            "DUMP",
            "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
            "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
            "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
            "    control how to handle existing libraries (default APPEND):",
            "    * FLUSH: delete all existing libraries.",
            "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
            "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
            "      libraries with the new libraries (notice that even on this option there is a chance of failure",
            "      in case of functions name collision with another library).",
            "HELP",
            "    Prints this help.",
        ];
        reply.WriteArrayHeader(lines.Length);
        foreach (var line in lines)
        {
            reply.WriteSimpleString(line);
        }
    }
}
