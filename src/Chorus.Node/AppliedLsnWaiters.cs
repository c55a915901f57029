using Chorus.Core;

namespace Chorus.Node;

/// <summary>
/// Lets other threads wait until the local replica has applied a given LSN: a follower holds
/// the reply to a forwarded write until the write is visible locally (read-your-writes for the
/// connection that made it). Thread-safe; the node's loop calls <see cref="Advance"/>.
/// </summary>
public sealed class AppliedLsnWaiters
{
    private readonly Lock _lock = new();
    private readonly PriorityQueue<TaskCompletionSource, ulong> _waiting = new();
    private long _applied;
    private long _committed;

    public Lsn Applied => new((ulong)Volatile.Read(ref _applied));

    /// <summary>
    /// The highest commit point a read may have been answered against, here or at a follower this
    /// node led: noted before the read gate answers and before messages (which carry the commit
    /// point to followers) leave. Live — the published status's may be an interval old. Only grows.
    /// </summary>
    public Lsn Committed => new((ulong)Volatile.Read(ref _committed));

    public void NoteCommitted(Lsn committed)
    {
        var value = (long)committed.Value;
        var known = Volatile.Read(ref _committed);
        while (value > known && Interlocked.CompareExchange(ref _committed, value, known) is var seen && seen != known)
        {
            known = seen;
        }
    }

    public void Advance(Lsn applied)
    {
        List<TaskCompletionSource>? ready = null;
        lock (_lock)
        {
            Volatile.Write(ref _applied, (long)applied.Value);
            while (_waiting.TryPeek(out var waiter, out var lsn) && lsn <= applied.Value)
            {
                _waiting.Dequeue();
                (ready ??= []).Add(waiter);
            }
        }
        ready?.ForEach(w => w.TrySetResult());
    }

    /// <summary>Completes once <paramref name="lsn"/> is applied (true), or after the timeout (false).</summary>
    public async Task<bool> WaitAsync(Lsn lsn, TimeSpan timeout, CancellationToken cancellationToken)
    {
        TaskCompletionSource waiter;
        lock (_lock)
        {
            if ((ulong)_applied >= lsn.Value)
            {
                return true;
            }
            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Enqueue(waiter, lsn.Value);
        }
        try
        {
            await waiter.Task.WaitAsync(timeout, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
