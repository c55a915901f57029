using Chorus.Replication;

namespace Chorus.Node;

/// <summary>
/// Client write batches waiting for their proposals to complete, in submission order. A batch
/// waits for the newest proposal in the log when it finished executing (its own writes, and any
/// earlier ones it may have read while they were staged); the core's completions release it
/// with their outcome. Completions arrive in order (each covers everything up to its id).
/// </summary>
internal sealed class ProposalTracker
{
    private readonly Queue<(ClientWriteBatch Batch, ProposalId WaitFor)> _waiting = new();
    private ProposalId _committedThrough;

    public int Count => _waiting.Count;

    public void Add(ClientWriteBatch batch, ProposalId waitFor) => _waiting.Enqueue((batch, waitFor));

    public void Complete(ProposalCompletion completion)
    {
        if (completion.Outcome is Committed)
        {
            _committedThrough = completion.Through > _committedThrough ? completion.Through : _committedThrough;
        }
        else if (completion.Through == ProposalId.All)
        {
            _committedThrough = ProposalId.None; // leadership ended: the next term acknowledges afresh
        }
        while (_waiting.TryPeek(out var head) && head.WaitFor <= completion.Through)
        {
            Release(_waiting.Dequeue().Batch, completion.Outcome);
        }
    }

    /// <summary>Batches that changed nothing wait only for what they observed, which may already be acknowledged.</summary>
    public void ReleaseObserved()
    {
        while (_waiting.TryPeek(out var head) && head.WaitFor <= _committedThrough)
        {
            _waiting.Dequeue().Batch.Complete();
        }
    }

    /// <summary>Every waiting batch ends with <paramref name="outcome"/> (the loop is stopping).</summary>
    public void FailAll(ProposalOutcome outcome)
    {
        while (_waiting.TryDequeue(out var waiting))
        {
            waiting.Batch.Fail(outcome);
        }
    }

    private static void Release(ClientWriteBatch batch, ProposalOutcome outcome)
    {
        if (outcome is Committed)
        {
            batch.Complete();
        }
        else
        {
            batch.Fail(outcome);
        }
    }
}
