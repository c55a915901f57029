using Chorus.Core;

namespace Chorus.Replication.Leaderless;

/// <summary>
/// Admission of client requests at a contact node: at most <paramref name="inFlightMax"/> wait
/// for their quorum at once (<paramref name="busy"/> says how many do); the next ones wait in
/// arrival order, and past <paramref name="waitingMax"/> waiting a request is refused at once.
/// A request's time limit starts when <paramref name="begin"/> starts it, when it leaves the queue.
/// Without the bound, a pipeline of 100,000 requests started 100,000 quorums together: the
/// replicas worked through the backlog for longer than the request timeout and nearly all failed.
/// </summary>
/// <param name="requests">What the requests are, in the refusal ("writes", "reads").</param>
internal sealed class QuorumAdmission<T>(string requests, int inFlightMax, int waitingMax, Func<int> busy, Action<ProposalId, T> begin)
{
    private readonly Queue<(ProposalId Proposal, T Request)> _waiting = new();
    private bool _starting;

    /// <summary>Requests waiting for a slot.</summary>
    public int Waiting => _waiting.Count;

    /// <summary>Starts the request, queues it, or returns the refusal to answer it with (the queue is full).</summary>
    public RequestRefused? Admit(ProposalId proposal, T request, NodeId self)
    {
        if (_waiting.Count == 0 && busy() < inFlightMax)
        {
            begin(proposal, request);
            return null;
        }
        if (_waiting.Count >= waitingMax)
        {
            return new RequestRefused($"{_waiting.Count} {requests} are already waiting at {self} for one of its {inFlightMax} quorum slots; retry later");
        }
        _waiting.Enqueue((proposal, request));
        return null;
    }

    /// <summary>A slot may have freed up: starts waiting requests while slots are free.</summary>
    public void StartWaiting()
    {
        if (_starting)
        {
            return; // a request started below answered at once: the loop here takes the next one
        }
        _starting = true;
        while (_waiting.Count > 0 && busy() < inFlightMax)
        {
            var (proposal, request) = _waiting.Dequeue();
            begin(proposal, request);
        }
        _starting = false;
    }
}
