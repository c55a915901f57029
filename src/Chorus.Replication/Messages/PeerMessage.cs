using Chorus.Core;

namespace Chorus.Replication.Messages;

/// <summary>
/// A message between nodes. Every message carries the sender's epoch: anything from an older
/// epoch is rejected, and a newer epoch makes the receiver catch up (fencing).
/// Messages may be lost, duplicated or reordered; the protocol recovers by retransmission.
/// </summary>
public abstract record PeerMessage(NodeId From, NodeId To, Epoch Epoch);

/// <summary>
/// Leader → follower: the entries after <paramref name="Prev"/> (none for a heartbeat).
/// <paramref name="Entries"/> is a <see cref="Core.Log.LogEntryBatch"/> of encoded entries.
/// <paramref name="LeaderClientEndpoint"/> tells followers where clients reach the leader.
/// </summary>
public sealed record AppendEntries(
    NodeId From,
    NodeId To,
    Epoch Epoch,
    LogPosition Prev,
    ReadOnlyMemory<byte> Entries,
    int EntryCount,
    Lsn LeaderLastLsn,
    HlcTimestamp LeaderTime,
    string LeaderClientEndpoint) : PeerMessage(From, To, Epoch);

/// <summary>
/// Follower → leader: the follower's log now ends at <paramref name="Last"/>, of which
/// everything up to <paramref name="Flushed"/> is on stable storage.
/// </summary>
public sealed record AppendResponse(
    NodeId From,
    NodeId To,
    Epoch Epoch,
    LogPosition Last,
    Lsn Flushed) : PeerMessage(From, To, Epoch);

/// <summary>
/// Follower → leader: "here is my log; stream me what comes after it". Sent on start, after
/// reconnecting, after a mismatch and after a truncation. It carries the follower's epoch
/// history so the leader can find the last entry both logs share in one round trip.
/// </summary>
public sealed record Subscribe(
    NodeId From,
    NodeId To,
    Epoch Epoch,
    LogPosition Base,
    LogPosition Last,
    IReadOnlyList<(Epoch Epoch, Lsn Start)> Epochs,
    Lsn Flushed,
    string ClientEndpoint) : PeerMessage(From, To, Epoch);

/// <summary>
/// Leader → follower: your log diverged from mine after <paramref name="KeepThrough"/>;
/// roll back everything after it (into a rollback file) and subscribe again.
/// </summary>
public sealed record TruncateLog(
    NodeId From,
    NodeId To,
    Epoch Epoch,
    Lsn KeepThrough) : PeerMessage(From, To, Epoch);
