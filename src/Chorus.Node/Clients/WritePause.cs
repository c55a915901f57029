using Chorus.Replication;

namespace Chorus.Node;

/// <summary>
/// Writes held while the core says to wait (a FAILOVER handing over leadership): once it decides,
/// they run here if this node still takes writes, or fail with a retryable error that says they
/// were not applied.
/// </summary>
internal sealed class WritePause
{
    private readonly Queue<ClientWriteBatch> _held = new();

    public int Count => _held.Count;

    public void Hold(ClientWriteBatch batch) => _held.Enqueue(batch);

    /// <summary>Releases the held writes unless the core still says hold; <paramref name="submit"/> runs those it now takes.</summary>
    public bool TryRelease(Admission admission, Action<ClientWriteBatch> submit)
    {
        if (_held.Count == 0 || admission.Kind == AdmissionKind.Hold)
        {
            return false;
        }
        while (_held.TryDequeue(out var batch))
        {
            if (admission.Kind == AdmissionKind.Accept)
            {
                submit(batch);
            }
            else
            {
                batch.Fail(admission.Refusal is NotLeader or NoLeader ? LeadershipLost.NotApplied(admission.Refusal) : admission.Refusal!);
            }
        }
        return true;
    }

    public void FailAll(ProposalOutcome outcome)
    {
        while (_held.TryDequeue(out var batch))
        {
            batch.Fail(outcome);
        }
    }
}
