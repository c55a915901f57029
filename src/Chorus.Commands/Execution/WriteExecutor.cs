using System.Buffers;
using Chorus.Commands.Keyspace;
using Chorus.Commands.Logical;
using Chorus.Commands.Notifications;
using Chorus.Core;
using Chorus.Resp;

namespace Chorus.Commands.Execution;

/// <summary>
/// Runs write commands on the leader, one at a time, against the staged keyspace. Each command
/// yields at most one payload: all its row changes, applied atomically as one log entry.
/// A command either completes — its reply written, its changes staged — or changes nothing and
/// replies with an error (a write over <see cref="Limits"/>); a reply is never half written.
/// </summary>
public sealed class WriteExecutor(CommandTable commands, StagedKeyspace keyspace, Random random)
{
    // A reply kept beyond this size would pin the memory of one large GETSET reply forever.
    private const int ReplyRetainBytesMax = 64 * 1024;

    private readonly WriteContext _context = new(keyspace, random);
    private ArrayBufferWriter<byte> _reply = new(256);
    private bool _grouped;

    public StagedKeyspace Keyspace { get; } = keyspace;

    /// <summary>Keys modified without a change to log (see <see cref="WriteContext.Touched"/>); the host clears them with <see cref="ClearTouched"/>.</summary>
    public IReadOnlyList<(int Db, byte[] Key)> Touched => _context.Touched;

    /// <summary>The <see cref="Touched"/> keys that fail a WATCH (<see cref="WriteContext.WatchTouched"/>).</summary>
    public IReadOnlyList<(int Db, byte[] Key)> WatchTouched => _context.WatchTouched;

    public void ClearTouched() => _context.ClearTouched();
    /// <summary>The context commands run in (a multi-leader site reads its before-images after each command).</summary>
    public WriteContext Context => _context;

    /// <summary>Keyspace notifications: the events of each command that completes go here (docs/pubsub.md).</summary>
    public KeyspaceNotifier Notifications { get; init; } = new();

    /// <summary>How large one write may be; the host sets it from its configuration.</summary>
    public WriteLimits Limits { get; set; } = WriteLimits.Default;

    /// <summary>
    /// Executes <paramref name="command"/> at <paramref name="nowMs"/> in database
    /// <paramref name="db"/> (the connection's SELECT), writing its reply. Returns the logical
    /// payload of its changes, or null if it changed nothing.
    /// </summary>
    public byte[]? Execute(RespCommand command, RespWriter reply, long nowMs, int db = 0)
    {
        if (!commands.TryGet(command[0], out var spec) || spec.Write is null)
        {
            reply.WriteError($"ERR '{command}' is not a write command");
            return null;
        }
        if (Limits.CheckArguments(command) is { } tooLarge)
        {
            reply.WriteError(tooLarge);
            return null;
        }
        // The handler replies into a buffer of our own, released only once the command has
        // completed: a write refused halfway (its old value already written, say) replies with
        // the refusal alone.
        if (_reply.Capacity > ReplyRetainBytesMax)
        {
            _reply = new ArrayBufferWriter<byte>(256);
        }
        _reply.ResetWrittenCount();
        byte[]? payload;
        try
        {
            payload = Run(spec.Write, command, new RespWriter(_reply, reply.Protocol), nowMs, db, Limits, spec.Name);
        }
        catch (WriteRefusedException e)
        {
            reply.WriteError(e.Message);
            return null;
        }
        reply.WriteRaw(_reply.WrittenSpan);
        return payload;
    }

    /// <summary>
    /// Starts a transaction (EXEC): the changes of every command executed until
    /// <see cref="EndGroup"/> become one payload, so followers apply all of them or none.
    /// </summary>
    public void BeginGroup()
    {
        Invariant.That(!_grouped && _context.Changes.Count == 0, "a group starts with nothing recorded");
        _grouped = true;
    }

    /// <summary>Ends the group: the payload of every change its commands made, or null if none.</summary>
    public byte[]? EndGroup()
    {
        Invariant.That(_grouped, "a group was begun");
        _grouped = false;
        return _context.TakePayload();
    }

    /// <summary>
    /// Runs an internal write (not a client command), e.g. the leader's expiry cycle, which names
    /// its databases itself. It is never refused for its size.
    /// </summary>
    public byte[]? ExecuteInternal(Action<WriteContext> write, long nowMs) =>
        Run((context, _, _) => write(context), default, default, nowMs, db: 0, WriteLimits.Unbounded, name: null);

    private byte[]? Run(WriteHandler handler, RespCommand command, RespWriter reply, long nowMs, int db, WriteLimits limits, string? name)
    {
        _context.NowMs = nowMs;
        _context.Db = db;
        _context.Limits = limits;
        if (!_grouped)
        {
            _context.BeginTrace();
        }
        var start = _context.Mark();
        var touchedBefore = _context.Touched.Count;
        _context.ForgetBeforeImages();
        try
        {
            handler(_context, command, reply);
            if (Notifications.Enabled)
            {
                Notifications.Record(name, Hints(name, command), _context.Changes, start.Changes, Keyspace.Exists, _context.Touched, touchedBefore);
            }
        }
        catch (Exception e) when (e is not InvariantViolationException)
        {
            // A refused or failed command must not leave half of itself staged: undo what it
            // recorded (only its own changes: earlier commands of a transaction stay).
            for (var i = _context.Changes.Count - 1; i >= start.Changes; i--)
            {
                RowChangeApplier.Undo(_context.Changes[i], Keyspace);
            }
            _context.ResetTo(start);
            throw;
        }
        finally
        {
            Keyspace.ForgetLastRead();
        }
        return _grouped ? null : _context.TakePayload();
    }

    /// <summary>What the command's arguments add to its events: ZADD's INCR ("zincr"), an expiry set with the value ("expire").</summary>
    private static EventHints Hints(string? name, RespCommand command) => name switch
    {
        "ZADD" when HasArgument(command, "INCR"u8) => EventHints.Increment,
        "SETEX" or "PSETEX" => EventHints.SetsExpiry,
        "SET" when HasArgument(command, "EX"u8) || HasArgument(command, "PX"u8) || HasArgument(command, "EXAT"u8) || HasArgument(command, "PXAT"u8) => EventHints.SetsExpiry,
        _ => EventHints.None,
    };

    private static bool HasArgument(RespCommand command, ReadOnlySpan<byte> option)
    {
        for (var i = 2; i < command.ArgumentCount; i++)
        {
            if (System.Text.Ascii.EqualsIgnoreCase(command[i], option))
            {
                return true;
            }
        }
        return false;
    }
}
