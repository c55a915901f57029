using System.Buffers;
using Chorus.Commands.Execution;
using Chorus.Core.Encoding;
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

    /// <summary>Replays <paramref name="payload"/>; <paramref name="localNowMs"/> is used only when the entry carries no leader clock.</summary>
    public byte[]? Replay(ReadOnlySpan<byte> payload, long localNowMs)
    {
        var statement = StatementPayload.Decode(payload);
        if (!commands.TryGet(statement.Arguments[0], out var spec) || spec.Write is null)
        {
            throw new CorruptDataException($"statement entry holds '{System.Text.Encoding.ASCII.GetString(statement.Arguments[0])}', which is not a write command of this build");
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
}
