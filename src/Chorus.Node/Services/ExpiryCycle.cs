using Chorus.Commands.Execution;
using Chorus.Commands.Keyspace;
using Chorus.Core.Log;
using Chorus.Replication;
using Chorus.Storage;

namespace Chorus.Node;

/// <summary>
/// The leader's active expiry: finds keys whose time has passed through the expiry index and
/// deletes them as ordinary log entries, so followers never expire keys on their own and never
/// diverge because their clocks differ. Runs every <c>intervalMs</c>, up to <c>keysMax</c> keys a time.
/// </summary>
internal sealed class ExpiryCycle(IStorageEngine storage, WriteExecutor executor, IReplicationCore core, int intervalMs, int keysMax)
{
    private long _nextAtMs;

    /// <summary>Runs a cycle if one is due and this node takes writes (only the leader expires keys).</summary>
    public void RunIfDue(long nowMs)
    {
        if (core.Admission.Kind == AdmissionKind.Accept && nowMs >= _nextAtMs)
        {
            _nextAtMs = nowMs + intervalMs;
            ProposeDue(nowMs);
        }
    }

    /// <summary>Deletes up to keysMax keys due at <paramref name="nowMs"/>, each as a proposal of its own.</summary>
    private void ProposeDue(long nowMs)
    {
        foreach (var key in DueKeys(storage, nowMs, keysMax))
        {
            var payload = executor.ExecuteInternal(context => ExpireIfDue(context, key), nowMs);
            if (payload is not null)
            {
                core.Propose(PayloadKind.Logical, payload);
            }
        }
    }

    /// <summary>Keys due at <paramref name="nowMs"/> (Redis: expired once now &gt; expiry), at most <paramref name="limit"/>.</summary>
    public static List<byte[]> DueKeys(IStorageEngine storage, long nowMs, int limit) => KeyExpiry.DueKeys(storage, nowMs, limit);

    /// <summary>Deletes <paramref name="key"/> (a database and key from <see cref="DueKeys"/>) if it is still expired (it may have been rewritten since).</summary>
    public static void ExpireIfDue(WriteContext context, byte[] key) => KeyExpiry.ExpireIfDue(context, key);
}
