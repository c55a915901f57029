using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Replication.Log;
using Chorus.Replication.Messages;

namespace Chorus.Replication.SingleLeader;

/// <summary>
/// The narrow hosts the core offers its roles (<see cref="IFollowerHost"/>, <see cref="ILeaderHost"/>,
/// <see cref="IElectionHost"/>, <see cref="ITransitionHost"/>): each role sees what it needs and
/// no more, and its effects land in the Ready only through these members.
/// </summary>
public sealed partial class SingleLeaderCore : ILeaderHost, IFollowerHost, IElectionHost, ITransitionHost
{
    void IRoleHost.AdvanceCommitTo(Lsn lsn) => AdvanceCommitTo(lsn);

    void IRoleHost.QueueAppend(IReadOnlyList<LogEntry> entries, bool proposed, bool sync) => QueueAppend(entries, proposed, sync);

    void IRoleHost.Send(PeerMessage message) => Send(message);

    void IRoleHost.Notice(string text) => Notice(text);

    void IRoleHost.CompleteRead(ReadCompletion completion) => Pending.ReadCompletions.Add(completion);

    void IFollowerHost.QueueTruncate(Lsn keepThrough) => QueueTruncate(keepThrough);

    void IFollowerHost.RequestSnapshot(SnapshotRequest request) => Pending.SnapshotRequests.Add(request);

    ElapsedClock IFollowerHost.Elapsed => Elapsed;

    Lsn ILeaderHost.CommitLsn => CommitLsn;

    EntryCache ILeaderHost.Cache => Cache;

    string ILeaderHost.NewClusterId => Cluster.NewClusterId;

    CheckQuorumLease ILeaderHost.Lease => Lease;

    void ILeaderHost.StepDown(StepDownReason reason) => StepDown(reason);

    void ILeaderHost.Complete(ProposalCompletion completion) => Pending.Completions.Add(completion);

    void ILeaderHost.RequestLogRead(LogReadRequest request) => Pending.LogReads.Add(request);

    LogPosition IElectionHost.LastPosition => History.Last;

    long IElectionHost.LeaderLastHeardAtMs => Link.LastHeardAtMs;

    void IElectionHost.EnterCandidacy() => EnterCandidacy();

    void IElectionHost.StartEpochAsCandidate() => StartEpochAsCandidate();

    void IElectionHost.BecomeLeader() => BecomeLeader();

    void IElectionHost.BecomeFollower(Epoch epoch, NodeId? leader) => BecomeFollower(epoch, leader);

    void IElectionHost.VoteFor(NodeId candidate) => VoteFor(candidate);

    void IElectionHost.Send(PeerMessage message) => Send(message);

    int ITransitionHost.VoterCount => Settings.Voters.Count();

    LogPosition ITransitionHost.LastPosition => History.Last;

    void ITransitionHost.Persist(HardState hardState) => Pending.HardState = hardState;

    void ITransitionHost.Complete(ProposalCompletion completion) => Pending.Completions.Add(completion);

    void ITransitionHost.Notice(string text) => Notice(text);

    void ITransitionHost.Announce(Notice notice) => Pending.Notices.Add(notice);
}
