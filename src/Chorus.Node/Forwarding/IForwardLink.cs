using Chorus.Core;

namespace Chorus.Node;

/// <summary>
/// The network part of forwarding, a seam like <see cref="ITransport"/>: carries a follower's
/// forwarded batch to the leader and the leader's answer back as a <see cref="ForwardAnsweredInput"/>
/// on the follower's inbox. gRPC (a unary call per batch) in production, the simulated network —
/// with its loss, delay and partitions — in the simulator. Send never blocks the loop; an answer
/// that never comes is the service's business (it times the batch out).
/// </summary>
public interface IForwardLink
{
    /// <summary>Sends <paramref name="request"/> to <paramref name="leader"/>; called on the loop, so the batch may be read here (and only here).</summary>
    void Send(NodeId leader, ForwardRequest request);

    /// <summary>The follower stopped waiting for the request (timeout, leader change, client gone): its answer, if any, will be ignored.</summary>
    void Cancel(long id);
}

/// <summary>
/// One forwarded batch as the leader must run it: the follower's commands, and for a transaction
/// the keys its connection WATCHed with the follower's applied LSN when it did (the leader aborts
/// the transaction if one changed after that). <paramref name="TimeoutMs"/> bounds the wait (-1: none, a blocking command).
/// </summary>
public sealed record ForwardRequest(long Id, ClientWriteBatch Batch, long TimeoutMs, Lsn WatchAfter, IReadOnlyList<(int Db, byte[] Key)> Watched);

/// <summary>How a forwarded batch ended on the link, when it did not bring the leader's replies.</summary>
public enum ForwardFailure
{
    /// <summary>The leader ran the batch: its replies (or its own refusal) are in the answer.</summary>
    None,

    /// <summary>The request never reached the leader (no connection): nothing was applied.</summary>
    NotDelivered,

    /// <summary>The request may have reached the leader, but no answer came back: the outcome is unknown.</summary>
    InDoubt,
}

/// <summary>
/// The leader's answer to a forwarded batch: its replies (<paramref name="ReplyEnds"/> for a
/// transaction), the LSN the follower must apply before releasing them, or the error the whole
/// batch failed with (<see cref="Error"/>: the leader's refusal; <see cref="Failure"/>:
/// the link's).
/// </summary>
public sealed record ForwardAnswer(ReadOnlyMemory<byte> Replies, IReadOnlyList<int> ReplyEnds, Lsn WaitLsn, bool Aborted, int Db)
{
    public string? Error { get; init; }

    public ForwardFailure Failure { get; init; }

    /// <summary>
    /// The entries the leader made for the batch — first and last LSN, and their epoch (zero: none,
    /// or a leader that predates them) — so the follower's client learns them as a direct write's
    /// (<c>CHORUS.SESSION LASTWRITE</c>) and a named session records the write exactly.
    /// </summary>
    public Lsn FirstWritten { get; init; }

    public Lsn LastWritten { get; init; }

    public Epoch WrittenEpoch { get; init; }

    public static ForwardAnswer Failed(string error) => new(ReadOnlyMemory<byte>.Empty, [], Lsn.Zero, false, 0) { Error = error };

    public static ForwardAnswer LinkFailed(ForwardFailure failure) => new(ReadOnlyMemory<byte>.Empty, [], Lsn.Zero, false, 0) { Failure = failure };

    /// <summary>The leader's side: the answer for a batch its loop ran (a failed transaction fails as a whole).</summary>
    public static ForwardAnswer Served(ClientWriteBatch batch) =>
        batch.IsTransaction && batch.Failed
            ? Failed(batch.Error!)
            : new ForwardAnswer(batch.Replies.WrittenMemory.ToArray(), [.. batch.ReplyEnds], batch.WaitFor, batch.WatchAborted, batch.Db)
            {
                FirstWritten = batch.FirstWrittenLsn,
                LastWritten = batch.LastWrittenLsn,
                WrittenEpoch = batch.WrittenEpoch,
            };
}

/// <summary>The leader answered forwarded batch <paramref name="Id"/> (or the link gave up on it).</summary>
public sealed record ForwardAnsweredInput(long Id, ForwardAnswer Answer) : NodeInput;
