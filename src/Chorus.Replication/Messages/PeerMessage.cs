using Chorus.Core;
using Chorus.Replication.Quorum;

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
/// <paramref name="LeaderClientEndpoint"/> tells followers where clients reach the leader;
/// <paramref name="RequiredAck"/> the level at which the leader waits for confirmations (null:
/// it does not wait), so a follower fsyncs before confirming when the leader needs it.
/// <paramref name="LeaderCommit"/> is the leader's commit point (on a majority of voters): a
/// follower knows its own log is committed up to it, as far as this message proves the two logs
/// agree. <paramref name="ReadRound"/> numbers the leader's confirmation rounds for reads: a
/// follower echoes the latest one it received in its <see cref="AppendResponse"/>.
/// <paramref name="EchoedStampMs"/> is the latest <see cref="AppendResponse.StampMs"/> the leader
/// received from this follower (−1: none, or a sender that predates it): every write the leader
/// acknowledged before the follower took that stamp is at or below <paramref name="LeaderLastLsn"/>,
/// so a follower holding that much is current as of its own stamp (bounded staleness, see
/// <see cref="SingleLeader.Freshness"/>).
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
    string LeaderClientEndpoint,
    AckLevel? RequiredAck = null,
    Lsn LeaderCommit = default,
    ulong ReadRound = 0,
    long EchoedStampMs = -1) : PeerMessage(From, To, Epoch);

/// <summary>
/// Follower → leader: the follower has applied everything up to <paramref name="Last"/>, holds
/// entries up to <paramref name="Received"/> in memory, and has up to <paramref name="Flushed"/>
/// on stable storage. <paramref name="ReadRound"/> echoes the latest read round it received from
/// this leader in this epoch: the leader knows the follower still followed it after that round began.
/// <paramref name="StampMs"/> is the follower's elapsed-time clock when it sent this (−1: none);
/// the leader echoes it back in <see cref="AppendEntries.EchoedStampMs"/>.
/// </summary>
public sealed record AppendResponse(
    NodeId From,
    NodeId To,
    Epoch Epoch,
    LogPosition Last,
    Lsn Flushed,
    Lsn Received = default,
    ulong ReadRound = 0,
    long StampMs = -1) : PeerMessage(From, To, Epoch);

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
/// Leader → follower: the entries you need are no longer in my log (or you are new and a snapshot
/// is faster than the whole log): fetch a snapshot from me, then subscribe from its position.
/// <paramref name="FollowerLast"/> is where the follower's log ended when it subscribed: a
/// follower whose log has moved on since (it installed a snapshot meanwhile) ignores the message.
/// <paramref name="Method"/> says how: a whole snapshot, or a Merkle diff against the follower's own data.
/// </summary>
public sealed record InstallSnapshot(
    NodeId From,
    NodeId To,
    Epoch Epoch,
    LogPosition FollowerLast,
    FollowerResync Method = FollowerResync.Snapshot) : PeerMessage(From, To, Epoch);

/// <summary>
/// Leader → follower: your log diverged from mine after <paramref name="KeepThrough"/>;
/// roll back everything after it (into a rollback file) and subscribe again.
/// </summary>
public sealed record TruncateLog(
    NodeId From,
    NodeId To,
    Epoch Epoch,
    Lsn KeepThrough) : PeerMessage(From, To, Epoch);

/// <summary>
/// Candidate → voter: "vote for me in <paramref name="Epoch"/>; my log ends at
/// <paramref name="Last"/>". A pre-vote asks whether the voter would vote, without changing
/// anything, so a node that was merely cut off cannot disrupt a healthy cluster. A transfer
/// (manual failover) is not refused because the voter hears from a leader.
/// </summary>
public sealed record RequestVote(
    NodeId From,
    NodeId To,
    Epoch Epoch,
    LogPosition Last,
    bool PreVote,
    bool Transfer) : PeerMessage(From, To, Epoch);

/// <summary>Voter → candidate: the answer, in the epoch asked about (or the voter's, if newer).</summary>
public sealed record VoteResponse(
    NodeId From,
    NodeId To,
    Epoch Epoch,
    bool Granted,
    bool PreVote) : PeerMessage(From, To, Epoch);

/// <summary>Leader → its chosen successor (manual failover): start an election now.</summary>
public sealed record TimeoutNow(
    NodeId From,
    NodeId To,
    Epoch Epoch) : PeerMessage(From, To, Epoch);

/// <summary>
/// Follower → leader: "give me a read index" for the follower's read <paramref name="RequestId"/>
/// (a linearizable read served by a follower, as in Raft's thesis §6.4).
/// </summary>
public sealed record ReadIndexRequest(
    NodeId From,
    NodeId To,
    Epoch Epoch,
    ulong RequestId) : PeerMessage(From, To, Epoch);

/// <summary>
/// Leader → follower: the answer to <see cref="ReadIndexRequest"/> <paramref name="RequestId"/>:
/// <paramref name="Committed"/> holds every write acknowledged before the request and is
/// committed; null when this node cannot give one (it does not lead, or stopped leading).
/// </summary>
public sealed record ReadIndexResponse(
    NodeId From,
    NodeId To,
    Epoch Epoch,
    ulong RequestId,
    LogPosition? Committed) : PeerMessage(From, To, Epoch);

/// <summary>
/// Follower → leader: "echo <paramref name="StampMs"/> now". A follower holding a bounded-staleness
/// read it cannot serve yet asks for a round trip at once instead of waiting for the next
/// heartbeat; the leader answers with an immediate heartbeat whose
/// <see cref="AppendEntries.EchoedStampMs"/> is at least this stamp (see
/// <see cref="SingleLeader.FreshnessProbe"/>). A leader of a build without it refuses the message
/// as unknown, and the read waits for the next heartbeat's echo, as before.
/// </summary>
public sealed record FreshnessRequest(
    NodeId From,
    NodeId To,
    Epoch Epoch,
    long StampMs) : PeerMessage(From, To, Epoch);
