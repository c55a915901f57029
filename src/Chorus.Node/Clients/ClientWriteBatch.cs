using System.Buffers;
using Chorus.Core;
using Chorus.Core.Requests;
using Chorus.Replication;
using Chorus.Resp;

namespace Chorus.Node;

/// <summary>
/// Write commands from one client connection, executed in order by the node's loop. Replies are
/// written into <see cref="Replies"/> as the commands execute and released together once every
/// change they made (and every change they observed) is acknowledged.
/// A connection reuses one batch: <see cref="Reset"/> after each completion.
/// </summary>
public sealed class ClientWriteBatch : IDisposable
{
    private TaskCompletionSource _completion = NewCompletion();

    public RequestBatch Commands { get; } = new();

    public RespProtocol Protocol { get; set; } = RespProtocol.Resp2;

    /// <summary>The database the commands run in (the connection's SELECT); kept across <see cref="Reset"/>.</summary>
    public int Db { get; set; }

    /// <summary>The connection's quorum settings, for commands a core serves itself (leaderless).</summary>
    public QuorumOverrides Quorum { get; set; } = QuorumOverrides.None;

    public ArrayBufferWriter<byte> Replies { get; } = new(256);

    /// <summary>Release once this LSN is acknowledged (the log's end when the batch finished executing).</summary>
    public Lsn WaitFor { get; set; }

    /// <summary>The LSN of the last entry this batch itself produced (zero if none).</summary>
    public Lsn LastWrittenLsn { get; internal set; }

    /// <summary>The LSN of the first entry this batch itself produced (zero if none): with <see cref="LastWrittenLsn"/>, the entries a named session made.</summary>
    public Lsn FirstWrittenLsn { get; internal set; }

    /// <summary>The epoch the batch's entries were proposed in (zero if none, or not known): (epoch, LSN) names an entry exactly.</summary>
    public Epoch WrittenEpoch { get; internal set; }

    public Task Completion => _completion.Task;

    /// <summary>
    /// The commands are one transaction (EXEC): they run together on the loop and their changes
    /// become one log entry. <see cref="ReplyEnds"/> then marks where each reply ends.
    /// </summary>
    public bool IsTransaction { get; set; }

    /// <summary>Whether the transaction has a write command (one without runs on any node, as reads).</summary>
    public bool TransactionWrites { get; set; }

    /// <summary>The connection's WATCHed keys, checked before the transaction runs (null: none).</summary>
    public WatchSet? Watch { get; set; }

    /// <summary>A forwarded transaction's watch: keys changed on the leader after <see cref="ForwardedWatch.After"/> abort it.</summary>
    public ForwardedWatch? RemoteWatch { get; set; }

    /// <summary>A watched key changed: the transaction ran nothing (EXEC's nil reply).</summary>
    public bool WatchAborted { get; set; }

    /// <summary>Where each transaction command's reply ends in <see cref="Replies"/>; an empty one is left to the connection (a server command).</summary>
    public List<int> ReplyEnds { get; } = [];

    /// <summary>
    /// The batch is one blocking command (BLPOP...) that may wait for data: a follower forwards it
    /// without the usual forwarding deadline (the leader ends it at the command's own timeout).
    /// </summary>
    public bool MayBlock { get; set; }

    /// <summary>
    /// On a follower, the loop forwards the batch to the leader rather than refusing it
    /// (replica-writes forward; see <see cref="WriteForwarding"/>). The leader runs it as its own.
    /// </summary>
    public bool Forwardable { get; set; }

    /// <summary>
    /// A one-command read-only transaction a follower has the leader serve (a read guarantee
    /// chose the leader): forwarded although it only reads, and released at once when the leader
    /// answers — the reply is the leader's state, so there is nothing to wait for here.
    /// </summary>
    public bool ReadAtLeader { get; set; }

    /// <summary>
    /// The node that forwarded the batch here (null: this node's own client). A batch another site
    /// routed to this site as its keys' home is made here, never routed again (see <see cref="HomeRouting"/>).
    /// </summary>
    public NodeId? ForwardedBy { get; set; }

    /// <summary>The named session (CHORUS.SESSION) the batch belongs to, if any: a forwarded batch names it so the leader records the session's position.</summary>
    public string? Session { get; set; }

    /// <summary>
    /// Its client went away while a blocking command was on its way to the loop or waiting there:
    /// the loop runs it no more (set by the connection's thread, before it posts an <see cref="UnblockInput"/>).
    /// </summary>
    public bool Abandoned
    {
        get => Volatile.Read(ref _abandoned);
        set => Volatile.Write(ref _abandoned, value);
    }

    private bool _abandoned;

    /// <summary>The command found nothing and waits on the leader's loop (see <see cref="BlockedPops"/>).</summary>
    public bool Blocked { get; internal set; }

    /// <summary>Set when every reply was replaced by one error (<see cref="Fail(string)"/>).</summary>
    public bool Failed => Error is not null;

    /// <summary>The error every reply was replaced with, if the batch failed.</summary>
    public string? Error { get; private set; }

    /// <summary>Makes the batch ready for the next group of commands.</summary>
    public void Reset()
    {
        Commands.Clear();
        Replies.Clear();
        WaitFor = Lsn.Zero;
        LastWrittenLsn = FirstWrittenLsn = Lsn.Zero;
        WrittenEpoch = Epoch.Zero;
        Outcome = null;
        IsTransaction = TransactionWrites = WatchAborted = MayBlock = Blocked = Abandoned = Forwardable = ReadAtLeader = false;
        Session = null;
        ForwardedBy = null;
        Error = null;
        Watch = null;
        RemoteWatch = null;
        ReplyEnds.Clear();
        Quorum = QuorumOverrides.None;
        _completion = NewCompletion();
    }

    public void Dispose() => Commands.Dispose();

    /// <summary>How the batch ended when it did not succeed (null while pending or after success).</summary>
    public ProposalOutcome? Outcome { get; private set; }

    internal void Complete() => _completion.TrySetResult();

    /// <summary>Completes a batch whose commands a core served as requests (the replies are written).</summary>
    internal void CompleteRequests() => _completion.TrySetResult();

    /// <summary>Completes a batch whose replies came back from the leader.</summary>
    public void CompleteForwarded() => _completion.TrySetResult();

    /// <summary>Replaces every reply with the Redis error for <paramref name="outcome"/>: nothing of the batch can be promised.</summary>
    public void Fail(ProposalOutcome outcome)
    {
        Outcome = outcome;
        Fail(OutcomeText.Error(outcome));
    }

    /// <summary>Replaces every reply with <paramref name="error"/>: nothing of the batch can be promised.</summary>
    public void Fail(string error)
    {
        Replies.Clear();
        Error = error;
        var writer = new RespWriter(Replies, Protocol);
        // A transaction fails as a whole: EXEC replies with the one error.
        for (var i = 0; i < (IsTransaction ? 1 : Commands.Count); i++)
        {
            writer.WriteError(error);
        }
        _completion.TrySetResult();
    }

    private static TaskCompletionSource NewCompletion() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>Keys a follower's connection WATCHed, and the follower's applied LSN when it did.</summary>
public sealed record ForwardedWatch(Lsn After, IReadOnlyList<(int Db, byte[] Key)> Keys);
