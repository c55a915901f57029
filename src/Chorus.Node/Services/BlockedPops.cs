using Chorus.Commands.Execution;
using Chorus.Commands.Logical;
using Chorus.Core;
using Chorus.Resp;

namespace Chorus.Node;

/// <summary>
/// Clients blocked in BLPOP, BZPOPMIN and friends, on the leader, in the order they blocked (FIFO
/// among the clients waiting on a key, as Redis serves them). Nothing here waits or reads a
/// clock: a parked command runs again when a write changes one of its keys
/// (<see cref="TakeWaiting"/>), and ends at its deadline when a loop round's time passes it
/// (<see cref="ExpireDue"/>). A parked batch holds exactly one command.
/// </summary>
internal sealed class BlockedPops
{
    /// <summary>Redis's reply to a client blocked on a master that becomes a replica.</summary>
    public const string DemotedError = "UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)";

    /// <summary>Redis's reply to CLIENT UNBLOCK id ERROR.</summary>
    public const string UnblockedError = "UNBLOCKED client unblocked via CLIENT UNBLOCK";

    private readonly LinkedList<BlockedPop> _parked = new();

    public int Count => _parked.Count;

    /// <summary>Parks <paramref name="batch"/>; its deadline is <paramref name="nowMs"/> plus the command's timeout (none for 0).</summary>
    public void Park(ClientWriteBatch batch, BlockRequest block, long nowMs)
    {
        Invariant.That(batch.Commands.Count == 1 && !batch.IsTransaction, "a blocked batch holds one command");
        batch.Blocked = true;
        _parked.AddLast(new BlockedPop(batch, batch.Db, block.Keys, block.TimeoutMs == 0 ? -1 : nowMs + block.TimeoutMs));
    }

    /// <summary>
    /// The parked clients waiting on a key that <paramref name="payload"/> changed, oldest first
    /// (taken out: the caller runs each again and parks again the ones still without data).
    /// </summary>
    public List<BlockedPop> TakeWaiting(byte[] payload)
    {
        var changed = ChangedKeys(payload);
        var ready = new List<BlockedPop>();
        for (var node = _parked.First; node is not null;)
        {
            var next = node.Next;
            if (changed.Everything || node.Value.Keys.Any(k => changed.Keys.Contains((node.Value.Db, k))))
            {
                ready.Add(node.Value);
                _parked.Remove(node);
            }
            node = next;
        }
        return ready;
    }

    /// <summary>Puts back clients that found nothing again, at the front, keeping their order and deadlines.</summary>
    public void ParkAgain(List<BlockedPop> stillWaiting)
    {
        for (var i = stillWaiting.Count - 1; i >= 0; i--)
        {
            _parked.AddFirst(stillWaiting[i]);
        }
    }

    /// <summary>Clients whose deadline passed get Redis's timeout reply (a null array).</summary>
    public void ExpireDue(long nowMs)
    {
        for (var node = _parked.First; node is not null;)
        {
            var next = node.Next;
            if (node.Value.DeadlineMs >= 0 && nowMs >= node.Value.DeadlineMs)
            {
                _parked.Remove(node);
                TimedOut(node.Value.Batch);
            }
            node = next;
        }
    }

    /// <summary>CLIENT UNBLOCK, or the client went away: true if <paramref name="batch"/> was parked (it is released as <paramref name="how"/> says).</summary>
    public bool Unblock(ClientWriteBatch batch, UnblockHow how)
    {
        for (var node = _parked.First; node is not null; node = node.Next)
        {
            if (ReferenceEquals(node.Value.Batch, batch))
            {
                _parked.Remove(node);
                switch (how)
                {
                    case UnblockHow.Timeout:
                        TimedOut(batch);
                        break;
                    case UnblockHow.Error:
                        batch.Fail(UnblockedError);
                        break;
                    default:
                        batch.Complete();
                        break;
                }
                return true;
            }
        }
        return false;
    }

    /// <summary>Every parked client ends with <paramref name="error"/> (this node stopped leading, or is stopping).</summary>
    public void FailAll(string error)
    {
        foreach (var parked in _parked)
        {
            parked.Batch.Fail(error);
        }
        _parked.Clear();
    }

    private static void TimedOut(ClientWriteBatch batch)
    {
        new RespWriter(batch.Replies, batch.Protocol).WriteNullArray();
        batch.Complete();
    }

    private static (HashSet<(int, byte[])> Keys, bool Everything) ChangedKeys(byte[] payload)
    {
        var keys = new HashSet<(int, byte[])>(DbKeyComparer.Instance);
        foreach (var change in LogicalPayload.Decode(payload))
        {
            switch (change)
            {
                case RenameChange rename:
                    keys.Add((rename.TargetDb, rename.Target));
                    break;
                case CopyChange copy:
                    keys.Add((copy.TargetDb, copy.Target));
                    break;
                case KeyChange key:
                    keys.Add((key.Db, key.Key));
                    break;
                case SwapDbChange:
                    return (keys, true); // every key of two databases may now hold something
            }
        }
        return (keys, false);
    }
}

/// <summary>A client blocked on <paramref name="Keys"/> of database <paramref name="Db"/> until <paramref name="DeadlineMs"/> (-1: no deadline).</summary>
internal sealed record BlockedPop(ClientWriteBatch Batch, int Db, IReadOnlyList<byte[]> Keys, long DeadlineMs);

/// <summary>How a blocked client is let go without data: CLIENT UNBLOCK's TIMEOUT or ERROR, or silently (the client went away).</summary>
public enum UnblockHow
{
    Timeout,
    Error,
    Disconnected,
}
