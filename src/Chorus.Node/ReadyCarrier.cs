using Chorus.Core;
using Chorus.Replication;
using Microsoft.Extensions.Logging;

namespace Chorus.Node;

/// <summary>
/// Carries out a core's <see cref="Ready"/>, effect by effect, in the contract's fixed order:
/// hard state (synced) → log operations (append and apply in one atomic batch, truncate, retire)
/// → local records → key, range and local reads → log reads → incoming changes resolved → messages →
/// proposal completions → read completions → notices → snapshot requests. Nothing leaves before
/// what it announces is stored, and every read sees every write asked for before it.
/// </summary>
internal sealed class ReadyCarrier(
    IReplicationCore core,
    LogWriter log,
    ITransport transport,
    ProposalTracker acks,
    RequestPath requests,
    KeyStore keys,
    ReplicaWaits waits,
    AppliedLsnWaiters applied,
    ReadGate reads,
    ILogger logger)
{
    public Action<IReadOnlyDictionary<NodeId, string>>? PeersChanged { get; init; }

    public Action<SnapshotRequest>? SnapshotRequested { get; init; }

    /// <summary>Merges a change from another site into the data (multi-leader); returns this node's payload for it.</summary>
    public Func<IncomingChange, byte[]>? Resolve { get; init; }

    /// <summary>Undoes what <see cref="Resolve"/> staged, when the core did not log it.</summary>
    public Action<byte[]>? Unresolve { get; init; }

    public void Carry(Ready ready, long nowMs)
    {
        if (ready.HardState is { } hardState)
        {
            log.PersistHardState(hardState);
        }
        foreach (var operation in ready.LogOperations)
        {
            CarryLogOperation(operation, nowMs);
        }
        if (ready.LocalWrites.Count > 0)
        {
            keys.WriteLocal(ready.LocalWrites);
        }
        CarryStoreReads(ready);
        foreach (var read in ready.LogReads)
        {
            core.OnLogRead(read, log.Log.Read(read.From, read.BytesMax));
        }
        foreach (var incoming in ready.Incoming)
        {
            Invariant.That(Resolve is not null && Unresolve is not null, "a core that hands over incoming changes runs with a data layer that resolves them");
            var local = Resolve!(incoming);
            if (!core.OnResolved(incoming, local))
            {
                Unresolve!(local); // nothing staged may outlive the entry that would have carried it
            }
        }
        // Before any message leaves: the commit point it may carry to a follower, which may answer
        // reads against it (the named-session lookup counts it as seen; see SessionRecord.AtLeader).
        applied.NoteCommitted(core.Committed?.Lsn ?? Lsn.Zero);
        foreach (var message in ready.Messages)
        {
            transport.Send(message);
        }
        foreach (var completion in ready.Completions)
        {
            if (completion.OnlyThis)
            {
                requests.Complete(completion);
            }
            else
            {
                acks.Complete(completion);
            }
        }
        foreach (var read in ready.ReadCompletions)
        {
            reads.Complete(read);
        }
        foreach (var notice in ready.Notices)
        {
            OnNotice(notice);
        }
        foreach (var source in ready.SnapshotRequests)
        {
            SnapshotRequested?.Invoke(source);
        }
        waits.CompleteReached(core);
        reads.Progress(nowMs);
    }

    private void CarryStoreReads(Ready ready)
    {
        if (ready.KeyReads.Count + ready.RangeReads.Count + ready.LocalReads.Count == 0)
        {
            return;
        }
        var store = core as IKeyStoreCore ?? throw new InvalidOperationException($"the {core.Family} core asked for key reads but does not take their results");
        // Ranges before keys: a change a key read leads to is stored in the next Ready, so a scan
        // carried here cannot miss one that the same round decided (the contract's guarantee).
        foreach (var read in ready.RangeReads)
        {
            var (records, complete) = keys.ReadRange(read);
            store.OnRangeRead(read, records, complete);
        }
        foreach (var read in ready.KeyReads)
        {
            store.OnKeysRead(read, keys.Read(read));
        }
        foreach (var read in ready.LocalReads)
        {
            store.OnLocalRead(read, keys.ReadLocal(read));
        }
    }

    private void CarryLogOperation(LogOperation operation, long nowMs)
    {
        switch (operation)
        {
            case AppendOperation append:
                var synced = log.Append(append, nowMs);
                core.OnAppended(append.Entries[^1].Lsn, synced);
                applied.Advance(append.Entries[^1].Lsn);
                break;
            case TruncateOperation truncate:
                var status = core.Describe();
                var config = log.Truncate(truncate.KeepThrough, core.Self, status.Epoch, nowMs);
                core.OnTruncated(truncate.KeepThrough, config);
                applied.Advance(truncate.KeepThrough);
                reads.OnTruncated(truncate.KeepThrough);
                break;
            case RetireOperation retire:
                log.Retire(retire.Through);
                break;
        }
    }

    private void OnNotice(Notice notice)
    {
        switch (notice)
        {
            case LogNotice { Warning: true } warning:
                logger.LogWarning("{Notice}", warning.Text);
                break;
            case LogNotice info:
                logger.LogInformation("{Notice}", info.Text);
                break;
            case StoppedLeading stopped:
                logger.LogWarning("{Node} stopped leading: {Reason}", core.Self, stopped.Reason.Describe());
                waits.EndAll(core, replicas: 0);
                break;
            case PeersChanged peers:
                PeersChanged?.Invoke(peers.PeerAddresses);
                break;
        }
    }
}
