using Chorus.Core;
using Chorus.Replication;

namespace Chorus.Node;

/// <summary>
/// WAIT numreplicas timeout: each wait completes with the number of replicas holding its LSN
/// once enough do, at its deadline, or with 0 when this node stops leading. Like Redis, only
/// replicas that are connected and streaming count.
/// </summary>
internal sealed class ReplicaWaits
{
    private readonly List<ReplicaWait> _waits = [];

    public void Add(IReplicationCore core, Lsn lsn, int count, long deadlineMs, TaskCompletionSource<int> completion)
    {
        var wait = new ReplicaWait(lsn, count, deadlineMs, completion);
        if (!TryComplete(core, wait))
        {
            _waits.Add(wait);
        }
    }

    public void CompleteReached(IReplicationCore core) => _waits.RemoveAll(w => TryComplete(core, w));

    public void ExpireDue(IReplicationCore core, long nowMs) =>
        _waits.RemoveAll(w =>
        {
            if (w.DeadlineMs < 0 || nowMs < w.DeadlineMs)
            {
                return false;
            }
            w.Completion.TrySetResult(core.ReplicasHolding(w.Lsn));
            return true;
        });

    /// <summary>Every wait ends now with <paramref name="replicas"/> (null: as many as hold its LSN).</summary>
    public void EndAll(IReplicationCore core, int? replicas)
    {
        foreach (var wait in _waits)
        {
            wait.Completion.TrySetResult(replicas ?? core.ReplicasHolding(wait.Lsn));
        }
        _waits.Clear();
    }

    private static bool TryComplete(IReplicationCore core, ReplicaWait wait)
    {
        var holding = core.ReplicasHolding(wait.Lsn);
        if (holding < wait.Count)
        {
            return false;
        }
        wait.Completion.TrySetResult(holding);
        return true;
    }

    private sealed record ReplicaWait(Lsn Lsn, int Count, long DeadlineMs, TaskCompletionSource<int> Completion);
}
