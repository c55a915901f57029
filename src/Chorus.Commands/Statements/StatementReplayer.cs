using System.Buffers;
using Chorus.Commands.Execution;
using Chorus.Resp;

namespace Chorus.Commands.Statements;

/// <summary>
/// Executes a statement-format entry again on a follower (or a node replaying its log) with the
/// same command code the leader ran, against the staged keyspace. It runs at the leader's clock
/// when the entry carries it, else at this node's own clock; with this node's own randomness. The
/// reply is thrown away. Returns the row changes it made (as a logical payload): the node keeps
/// them as the entry's undo images, since a statement cannot be undone from itself.
/// </summary>
public sealed class StatementReplayer(CommandTable commands, WriteExecutor executor)
{
    private readonly RequestBatch _request = new();
    private ArrayBufferWriter<byte> _discarded = new(256);
    private long _skipped;
    private volatile string? _lastSkipped;

    /// <summary>What to do with a statement naming a command this build cannot run (<see cref="UnknownStatementPolicy"/>).</summary>
    public UnknownStatementPolicy UnknownStatements { get; init; } = UnknownStatementPolicy.Stop;

    /// <summary>Statements stored without running them (unknown-statement skip) since the node started. Readable from any thread.</summary>
    public long Skipped => Interlocked.Read(ref _skipped);

    /// <summary>The last statement skipped, as "LSN n 'COMMAND'", or null. Readable from any thread.</summary>
    public string? LastSkipped => _lastSkipped;

    /// <summary>Told of each statement skipped, with why (the node logs it).</summary>
    public Action<string>? OnSkipped { get; set; }

    /// <summary>
    /// Replays <paramref name="payload"/>, the entry at <paramref name="lsn"/>; <paramref name="localNowMs"/>
    /// is used only when the entry carries no leader clock. A statement this build cannot run is
    /// refused (<see cref="StreamRefusedException"/>) or skipped (null), as <see cref="UnknownStatements"/> says.
    /// </summary>
    public byte[]? Replay(ReadOnlySpan<byte> payload, long localNowMs, Core.Lsn lsn = default)
    {
        var statement = StatementPayload.Decode(payload);
        if (!commands.TryGet(statement.Arguments[0], out var spec) || spec.Write is null)
        {
            return Unknown(lsn, System.Text.Encoding.ASCII.GetString(statement.Arguments[0]));
        }
        _request.Clear();
        _request.Add([.. statement.Arguments]);
        var command = _request[0];
        // A reply kept beyond this size would pin the memory of one large reply forever.
        if (_discarded.Capacity > 64 * 1024)
        {
            _discarded = new ArrayBufferWriter<byte>(256);
        }
        _discarded.ResetWrittenCount();
        var reply = new RespWriter(_discarded, RespProtocol.Resp2);
        // Replayed, never refused: the leader already held the write to its limits, and a
        // follower configured with smaller ones must still end with the leader's data.
        return executor.ExecuteInternal(context =>
        {
            context.Db = statement.Db;
            spec.Write(context, command, reply);
        }, statement.LeaderNowMs ?? localNowMs);
    }

    private byte[]? Unknown(Core.Lsn lsn, string name)
    {
        var what = $"statement entry at LSN {lsn} holds '{name}', which is not a write command of this build";
        if (UnknownStatements == UnknownStatementPolicy.Stop)
        {
            throw new StreamRefusedException(
                $"{what}; replication stops here (unknown-statement stop): upgrade this node, or switch the cluster to the logical format (CONFIG SET log-format logical on the leader) and re-bootstrap this node (CHORUS.RESYNC); or start it with --unknown-statement skip to go on without it (docs/log-formats.md)");
        }
        Interlocked.Increment(ref _skipped);
        _lastSkipped = $"LSN {lsn} '{name}'";
        OnSkipped?.Invoke($"{what}: stored without running it (unknown-statement skip); this node's data may now differ from the leader's (CHORUS.DIGEST)");
        return null;
    }
}
