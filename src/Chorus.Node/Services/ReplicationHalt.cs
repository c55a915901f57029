using Microsoft.Extensions.Logging;

namespace Chorus.Node;

/// <summary>
/// Replication stopped on this node: it received a stream it cannot apply (a physical entry for
/// another storage format version, a statement naming a command this build does not know — the
/// upgrade problem, made visible; docs/log-formats.md). A stopped node keeps serving
/// reads of what it has applied and shows the reason in INFO, but its core is never ticked or
/// stepped again, since it believes it holds entries the node refused: it neither votes,
/// campaigns nor takes writes until it is restarted (or re-bootstrapped: CHORUS.RESYNC). Meanwhile every input
/// is answered at once, never with the core.
/// </summary>
internal sealed class ReplicationHalt(BlockedPops blocked, ILogger logger)
{
    private const string ErrorPrefix = "ERR replication on this node stopped: ";

    private volatile string? _reason;

    /// <summary>Why replication stopped, or null while it runs. Readable from any thread.</summary>
    public string? Reason => _reason;

    public bool IsHalted => _reason is not null;

    /// <summary>The error a client gets for anything that needs the core.</summary>
    public string Error => ErrorPrefix + _reason;

    public void Halt(string reason)
    {
        _reason = reason;
        logger.LogCritical("replication stopped: {Reason}", reason);
    }

    /// <summary>What a stopped node does with an input: answers it at once, never with the core (guarded reads are served as ever, by <see cref="InputDispatch"/>).</summary>
    public void Refuse(NodeInput input)
    {
        switch (input)
        {
            case AdminInput admin:
                admin.Completion.TrySetResult(Error);
                break;
            case WaitReplicasInput wait:
                wait.Completion.TrySetResult(0);
                break;
            case CreateCheckpointInput checkpoint:
                checkpoint.Completion.TrySetException(new InvalidOperationException(Error));
                break;
            case RefreshStatusInput refresh:
                refresh.Completion.TrySetResult(null);
                break;
            case ClientWritesInput writes:
                writes.Batch.Fail(Error);
                break;
            case UnblockInput unblock:
                unblock.Completion.TrySetResult(blocked.Unblock(unblock.Batch, unblock.How));
                break;
        }
    }
}
