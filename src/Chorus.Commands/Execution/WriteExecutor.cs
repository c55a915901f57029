using Chorus.Commands.Keyspace;
using Chorus.Commands.Logical;
using Chorus.Core;
using Chorus.Resp;

namespace Chorus.Commands.Execution;

/// <summary>
/// Runs write commands on the leader, one at a time, against the staged keyspace. Each command
/// yields at most one payload: all its row changes, applied atomically as one log entry.
/// </summary>
public sealed class WriteExecutor(CommandTable commands, StagedKeyspace keyspace, Random random)
{
    private readonly WriteContext _context = new(keyspace, random);

    public StagedKeyspace Keyspace { get; } = keyspace;

    /// <summary>The context commands run in (a multi-leader site reads its before-images after each command).</summary>
    public WriteContext Context => _context;

    /// <summary>
    /// Executes <paramref name="command"/> at <paramref name="nowMs"/>, writing its reply.
    /// Returns the logical payload of its changes, or null if it changed nothing.
    /// </summary>
    public byte[]? Execute(RespCommand command, RespWriter reply, long nowMs)
    {
        if (!commands.TryGet(command[0], out var spec) || spec.Write is null)
        {
            reply.WriteError($"ERR '{command}' is not a write command");
            return null;
        }
        return Run(spec.Write, command, reply, nowMs);
    }

    /// <summary>Runs an internal write (not a client command), e.g. the leader's expiry cycle.</summary>
    public byte[]? ExecuteInternal(Action<WriteContext> write, long nowMs)
    {
        _context.NowMs = nowMs;
        try
        {
            write(_context);
        }
        finally
        {
            Keyspace.ForgetLastRead();
        }
        return _context.TakePayload();
    }

    private byte[]? Run(WriteHandler handler, RespCommand command, RespWriter reply, long nowMs)
    {
        _context.NowMs = nowMs;
        try
        {
            handler(_context, command, reply);
        }
        catch (Exception e) when (e is not InvariantViolationException)
        {
            // A handler bug must not leave half a command staged: undo what it recorded.
            for (var i = _context.Changes.Count - 1; i >= 0; i--)
            {
                RowChangeApplier.Undo(_context.Changes[i], Keyspace);
            }
            _context.ClearChanges();
            throw;
        }
        finally
        {
            Keyspace.ForgetLastRead();
        }
        return _context.TakePayload();
    }
}
