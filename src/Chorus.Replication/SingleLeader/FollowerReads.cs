using Chorus.Core;
using Chorus.Replication.Messages;

namespace Chorus.Replication.SingleLeader;

/// <summary>
/// Linearizable reads at a follower (Raft thesis §6.4.1): ask the leader for a read index, then
/// serve once the local log holds that position — the same epoch at the same LSN, so a log that
/// still holds a divergent suffix waits for its truncation rather than serving it.
/// </summary>
internal sealed class FollowerReads(IFollowerHost core)
{
    private readonly Dictionary<ulong, PendingRead> _pending = [];

    public int Count => _pending.Count;

    /// <summary>Asks the leader for the read's index; refused at once when no leader is known.</summary>
    public ReadOutcome? Request(ReadRequestId id)
    {
        if (core.Leader is not { } leader)
        {
            return new ReadRefused(new NoLeader(core.Epoch, core.LastStepDownReason));
        }
        _pending[id.Value] = new PendingRead(id, leader, core.NowMs);
        core.Send(new ReadIndexRequest(core.Self, leader, core.Epoch, id.Value));
        return null;
    }

    public void OnResponse(ReadIndexResponse response)
    {
        if (!_pending.TryGetValue(response.RequestId, out var read) || read.Leader != response.From)
        {
            return; // answered already, timed out, or from a node we did not ask
        }
        if (response.Committed is not { } committed)
        {
            _pending.Remove(response.RequestId);
            Refuse(read, core.Leader is { } leader && leader != response.From ? new NotLeader(leader, core.Epoch) : new NoLeader(core.Epoch, null));
            return;
        }
        read.At = committed;
        TryComplete();
    }

    /// <summary>The local log grew or was truncated: serve every read whose position it now holds.</summary>
    public void TryComplete()
    {
        if (_pending.Count == 0)
        {
            return;
        }
        foreach (var read in _pending.Values.Where(r => r.At is { } at && Holds(at)).ToArray())
        {
            _pending.Remove(read.Id.Value);
            core.AdvanceCommitTo(read.At!.Value.Lsn);
            core.CompleteRead(new ReadCompletion(read.Id, new ReadAt(read.At!.Value)));
        }
    }

    /// <summary>Reads that waited longer than the read timeout are refused (the client retries).</summary>
    public void ExpireDue()
    {
        var timeout = core.Options.EffectiveReadTimeoutMs;
        foreach (var read in _pending.Values.Where(r => core.NowMs - r.RequestedAtMs >= timeout).ToArray())
        {
            _pending.Remove(read.Id.Value);
            Refuse(read, new ReadNotConfirmed(timeout));
        }
    }

    /// <summary>Another leader (or none): the old one's answers no longer count.</summary>
    public void LeaderChanged(NodeId? leader)
    {
        foreach (var read in _pending.Values.ToArray())
        {
            _pending.Remove(read.Id.Value);
            Refuse(read, new LeadershipLost(leader, core.Epoch, null, MayHaveApplied: false));
        }
    }

    private bool Holds(LogPosition position) =>
        core.Appended >= position.Lsn && (position.Lsn == Lsn.Zero || core.History.EpochAt(position.Lsn) == position.Epoch);

    private void Refuse(PendingRead read, ProposalOutcome reason) =>
        core.CompleteRead(new ReadCompletion(read.Id, new ReadRefused(reason)));

    private sealed class PendingRead(ReadRequestId id, NodeId leader, long requestedAtMs)
    {
        public ReadRequestId Id { get; } = id;

        public NodeId Leader { get; } = leader;

        public long RequestedAtMs { get; } = requestedAtMs;

        /// <summary>The leader's answer, once it came.</summary>
        public LogPosition? At { get; set; }
    }
}
