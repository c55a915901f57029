using Chorus.Core;
using Chorus.Core.Messaging;

namespace Chorus.Transport.Grpc;

/// <summary>Where the transport delivers what it receives; implemented by the node host.</summary>
public interface IPeerInbox
{
    NodeId Self { get; }

    /// <summary>A message arrived from a peer (the transport checked nothing but who sent it).</summary>
    void Deliver(Envelope message);

    /// <summary>An outbound stream to <paramref name="peer"/> was (re)established.</summary>
    void PeerConnected(NodeId peer);
}

/// <summary>Executes write commands forwarded by a follower; implemented by the node host.</summary>
public interface IForwardHandler
{
    Task<ForwardResult> ForwardAsync(ForwardedWrites writes, CancellationToken cancellationToken);
}

/// <summary>Commands as argument lists, and the protocol the client speaks.</summary>
public sealed record ForwardedWrites(int Protocol, IReadOnlyList<IReadOnlyList<ReadOnlyMemory<byte>>> Commands, string From, int Db = 0)
{
    /// <summary>Set when the commands are one transaction (MULTI ... EXEC).</summary>
    public ForwardedTransaction? Transaction { get; init; }

    /// <summary>The named session (CHORUS.SESSION) the writes belong to; empty: none.</summary>
    public string Session { get; init; } = "";
}

/// <summary>Answers a follower's question about a named session (its position, its rollback notices); implemented by the node host.</summary>
public interface ISessionHandler
{
    Task<Protocol.SessionReply> SessionAsync(Protocol.SessionRequest request, CancellationToken cancellationToken);
}

/// <summary>A forwarded transaction's WATCHed keys and the follower's applied LSN when it watched them.</summary>
public sealed record ForwardedTransaction(Lsn WatchAfter, IReadOnlyList<(int Db, byte[] Key)> Watched);

/// <summary>RESP-encoded replies and the LSN to wait for; or an error for all of them.</summary>
public sealed record ForwardResult(ReadOnlyMemory<byte> Replies, Lsn WaitLsn, string? Error)
{
    /// <summary>A transaction's reply boundaries (see <c>ForwardReply.reply_ends</c>).</summary>
    public IReadOnlyList<int> ReplyEnds { get; init; } = [];

    /// <summary>A transaction a watched key aborted.</summary>
    public bool Aborted { get; init; }

    /// <summary>The database selected after a transaction.</summary>
    public int Db { get; init; }

    /// <summary>The entries the writes made: first and last LSN and their epoch (see <c>ForwardReply.first_lsn</c>).</summary>
    public Lsn FirstWritten { get; init; }

    public Lsn LastWritten { get; init; }

    public Epoch WrittenEpoch { get; init; }
}
