using System.Buffers;
using System.Globalization;
using System.Text;
using Chorus.Commands.Execution;
using Chorus.Commands.Logical;
using Chorus.Core;
using Chorus.Resp;
using KeraLua;

namespace Chorus.Scripting;

/// <summary>
/// redis.call / redis.pcall: runs one command for a script, in the script's
/// <see cref="WriteContext"/> (so its writes join the script's one payload) or, for a read, in a
/// <see cref="ReadContext"/> over the same staged keyspace (so it sees the script's writes). It
/// answers Lua with (true, reply) or (false, {err=...}); the prelude raises or returns the error.
/// Redis 7.0's refusals: unknown commands, wrong arity, commands flagged noscript, writes from
/// read-only scripts. SELECT changes the database for the rest of the script only.
/// </summary>
public sealed class ScriptCommandRunner
{
    private readonly RequestBatch _request = new();
    private readonly ArrayBufferWriter<byte> _reply = new(256);
    private WriteContext? _context;
    private ReadContext? _reads;
    private bool _readOnly;
    private int _db;
    private bool _blockingAllowed;

    private volatile bool _wrote;

    /// <summary>
    /// Whether the running script has called a write command (Redis's SCRIPT_WRITE_DIRTY, set
    /// before the command runs, whatever it changes): such a script cannot be killed. Read from
    /// connections (SCRIPT KILL, FUNCTION KILL).
    /// </summary>
    public bool Wrote => _wrote;

    /// <summary>The node's commands (set by the host: the table holds the script commands themselves).</summary>
    public CommandTable? Commands { get; set; }

    internal void Begin(WriteContext context, bool readOnly)
    {
        _context = context;
        _readOnly = readOnly;
        _wrote = false;
        _db = context.Db;
        // Inside a script a blocking command answers at once, as inside MULTI.
        _blockingAllowed = context.BlockingAllowed;
        context.BlockingAllowed = false;
        _reads = new ReadContext(context.Keyspace.Storage, context.Random) { Staged = context.Keyspace, NowMs = context.NowMs };
    }

    internal void End()
    {
        if (_context is { } context)
        {
            context.Db = _db;
            context.BlockingAllowed = _blockingAllowed;
        }
        _context = null;
        _reads = null;
    }

    internal int Call(Lua lua)
    {
        try
        {
            var error = TryRun(lua, out var reply);
            if (error is not null)
            {
                return Answer(lua, false, () => LuaReplies.PushTable(lua, "err", Encoding.UTF8.GetBytes(error)));
            }
            return Answer(lua, !reply!.IsError, () => LuaReplies.Push(lua, reply));
        }
        catch (Exception e) when (e is not InvariantViolationException)
        {
            // Never let an exception cross into Lua's C frames.
            return Answer(lua, false, () => LuaReplies.PushTable(lua, "err", Encoding.UTF8.GetBytes("ERR " + e.Message)));
        }
    }

    private static int Answer(Lua lua, bool ok, Action push)
    {
        lua.PushBoolean(ok);
        push();
        return 2;
    }

    /// <summary>Runs the command on <paramref name="lua"/>'s stack; a refusal's error text, or null with the reply.</summary>
    private string? TryRun(Lua lua, out RespValue? reply)
    {
        reply = null;
        var count = lua.GetTop();
        if (count == 0)
        {
            return "ERR Please specify at least one argument for this redis lib call";
        }
        var arguments = new byte[count][];
        for (var i = 1; i <= count; i++)
        {
            if (Argument(lua, i) is not { } argument)
            {
                return "ERR Lua redis lib command arguments must be strings or integers";
            }
            arguments[i - 1] = argument;
        }
        _request.Clear();
        _request.Add(arguments);
        var command = _request[0];
        if (Commands is null || !Commands.TryGet(command[0], out var spec))
        {
            return "ERR Unknown Redis command called from script";
        }
        if (!spec.AcceptsArgumentCount(command.ArgumentCount))
        {
            return "ERR Wrong number of args calling Redis command from script";
        }
        if ((spec.Flags & CommandFlags.NoScript) != 0)
        {
            return "ERR This Redis command is not allowed from script";
        }
        if (_readOnly && spec.IsWrite)
        {
            return "ERR Write commands are not allowed from read-only scripts.";
        }
        if (spec.IsWrite)
        {
            _wrote = true;
        }
        _reply.ResetWrittenCount();
        var writer = new RespWriter(_reply, RespProtocol.Resp2);
        if (!Execute(spec, command, writer))
        {
            return "ERR This Redis command is not allowed from script";
        }
        reply = RespReplyParser.Parse(_reply.WrittenSpan);
        return null;
    }

    private bool Execute(CommandSpec spec, RespCommand command, RespWriter writer)
    {
        var context = _context!;
        if (spec.Write is not null)
        {
            RunWrite(spec.Write, context, command, writer);
            return true;
        }
        if (spec.Read is not null)
        {
            _reads!.Db = context.Db;
            spec.Read(_reads, command, writer);
            context.Keyspace.ForgetLastRead();
            return true;
        }
        if (spec.Name == "SELECT" && Chorus.Commands.Data.Keys.DatabaseIndex.TryParse(command[1], writer, out var db))
        {
            context.Db = db;
            writer.WriteOk();
            return true;
        }
        if (spec.Name == "PING")
        {
            if (command.ArgumentCount > 1)
            {
                writer.WriteBulkString(command[1]);
            }
            else
            {
                writer.WriteSimpleString("PONG"u8);
            }
            return true;
        }
        return spec.Name == "SELECT"; // SELECT's error is written; other server commands are refused
    }

    /// <summary>A write refused halfway undoes only its own changes; the script's earlier ones stay (Redis keeps them too).</summary>
    private static void RunWrite(WriteHandler write, WriteContext context, RespCommand command, RespWriter writer)
    {
        var start = context.Mark();
        var buffer = new ArrayBufferWriter<byte>(64);
        try
        {
            write(context, command, new RespWriter(buffer, RespProtocol.Resp2));
            writer.WriteRaw(buffer.WrittenSpan);
        }
        catch (Exception e) when (e is not InvariantViolationException)
        {
            for (var i = context.Changes.Count - 1; i >= start.Changes; i--)
            {
                RowChangeApplier.Undo(context.Changes[i], context.Keyspace);
            }
            context.ResetTo(start);
            writer.WriteError(e is WriteRefusedException ? e.Message : $"ERR internal error: {e.Message}");
        }
        finally
        {
            context.Keyspace.ForgetLastRead();
        }
    }

    /// <summary>A command argument: a string as is, a number as Redis formats it (integers without a decimal point).</summary>
    private static byte[]? Argument(Lua lua, int index)
    {
        switch (lua.Type(index))
        {
            case LuaType.String:
                return lua.ToBuffer(index, false);
            case LuaType.Number when lua.IsInteger(index):
                return Encoding.ASCII.GetBytes(lua.ToInteger(index).ToString(CultureInfo.InvariantCulture));
            case LuaType.Number:
                var number = lua.ToNumber(index);
                return Encoding.ASCII.GetBytes(number == Math.Floor(number) && Math.Abs(number) < 1e15
                    ? ((long)number).ToString(CultureInfo.InvariantCulture)
                    : number.ToString("G17", CultureInfo.InvariantCulture));
            default:
                return null;
        }
    }
}
