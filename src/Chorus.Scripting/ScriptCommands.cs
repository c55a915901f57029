using System.Text;
using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Execution;
using Chorus.Resp;

namespace Chorus.Scripting;

/// <summary>
/// EVAL, EVALSHA, EVAL_RO, EVALSHA_RO (Redis 7.0): write commands as far as the node is concerned
/// — they run on the leader's loop (a follower forwards them), atomically, and everything the
/// script writes is one payload, one log entry (in every log format: a script is logged as its
/// effects). Inside MULTI they run as part of the EXEC's one entry.
/// </summary>
public static class ScriptCommands
{
    private const CommandFlags Flags = CommandFlags.Write | CommandFlags.NoScript | CommandFlags.Stale | CommandFlags.MovableKeys;

    /// <summary>The names of the commands that run scripts (logged as their effects; refused where writes to several keys cannot be atomic).</summary>
    public static readonly IReadOnlySet<string> Names = new HashSet<string>(["EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO"], StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyList<CommandSpec> Specs(ScriptEngine engine) =>
    [
        Spec("EVAL", engine, bySha: false, readOnly: false),
        Spec("EVALSHA", engine, bySha: true, readOnly: false),
        Spec("EVAL_RO", engine, bySha: false, readOnly: true),
        Spec("EVALSHA_RO", engine, bySha: true, readOnly: true),
    ];

    public static bool IsScript(ReadOnlySpan<byte> name) =>
        name.Length is >= 4 and <= 10 && Names.Contains(Encoding.ASCII.GetString(name));

    private static CommandSpec Spec(string name, ScriptEngine engine, bool bySha, bool readOnly) =>
        new(name, -3, Flags, 0, 0, 0, Write: (context, command, reply) => Execute(engine, context, command, reply, bySha, readOnly)) { Group = "scripting" };

    private static void Execute(ScriptEngine engine, WriteContext context, RespCommand command, RespWriter reply, bool bySha, bool readOnly)
    {
        if (!TryParseKeyCount(command, reply, out var keyCount))
        {
            return;
        }
        string sha;
        byte[] body;
        if (bySha)
        {
            sha = Encoding.ASCII.GetString(command[1]).ToLowerInvariant();
            if (!engine.Cache.TryGet(sha, out body))
            {
                reply.WriteError("NOSCRIPT No matching script. Please use EVAL.");
                return;
            }
        }
        else
        {
            body = command[1].ToArray();
            sha = engine.Cache.Add(body);
        }
        context.ScriptBody = body;
        engine.Run(context, reply, sha, body, Slice(command, 3, 3 + keyCount), Slice(command, 3 + keyCount, command.ArgumentCount), readOnly);
    }

    /// <summary>numkeys: an integer, not negative, not more than the arguments after it (Redis's errors).</summary>
    public static bool TryParseKeyCount(RespCommand command, RespWriter reply, out int keyCount)
    {
        keyCount = 0;
        if (!IntegerText.TryParse(command[2], out var count))
        {
            reply.WriteError(Errors.NotInteger);
            return false;
        }
        if (count < 0)
        {
            reply.WriteError("ERR Number of keys can't be negative");
            return false;
        }
        if (count > command.ArgumentCount - 3)
        {
            reply.WriteError("ERR Number of keys can't be greater than number of args");
            return false;
        }
        keyCount = (int)count;
        return true;
    }

    internal static byte[][] Slice(RespCommand command, int from, int to)
    {
        var items = new byte[to - from][];
        for (var i = from; i < to; i++)
        {
            items[i - from] = command[i].ToArray();
        }
        return items;
    }
}
