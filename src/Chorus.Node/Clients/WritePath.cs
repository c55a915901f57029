using Chorus.Commands.Execution;
using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Replication;
using Chorus.Resp;
using Microsoft.Extensions.Logging;

namespace Chorus.Node;

/// <summary>
/// A client's write batch on its way into the log: run at once against what this node applied
/// (a read-only transaction on any node), held during a FAILOVER (<see cref="WritePause"/>),
/// forwarded to the leader or refused with the core's reason, routed to its keys' home site
/// (multi-leader, <see cref="HomeRouting"/>), handed to a request-serving core
/// (leaderless, <see cref="RequestPath"/>), versioned at a multi-leader site (<see cref="SiteData"/>),
/// or executed command by command against the staged keyspace and proposed
/// (<see cref="WriteProposer"/>) — with BLPOP and friends parked until a write serves them — and
/// then acknowledged when the core completes the proposals (<see cref="ProposalTracker"/>).
/// </summary>
internal sealed class WritePath(
    IReplicationCore core,
    WriteExecutor executor,
    WriteProposer proposer,
    TransactionRunner transactions,
    ProposalTracker acks,
    RequestPath requests,
    WritePause pause,
    WriteForwarding forwarding,
    HomeRouting homes,
    BlockedPops blocked,
    KeyWatches watches,
    ReplicationHalt halt,
    SiteData? sites,
    Action storeStaged,
    ILogger logger)
{
    private readonly IReplicationCore _core = core;
    private readonly WriteExecutor _executor = executor;
    private readonly WriteProposer _proposer = proposer;
    private readonly TransactionRunner _transactions = transactions;
    private readonly ProposalTracker _acks = acks;
    private readonly RequestPath _requests = requests;
    private readonly WritePause _pause = pause;
    private readonly WriteForwarding _forwarding = forwarding;
    private readonly HomeRouting _homes = homes;
    private readonly BlockedPops _blocked = blocked;
    private readonly KeyWatches _watches = watches;
    private readonly ReplicationHalt _halt = halt;
    private readonly SiteData? _sites = sites;
    private readonly Action _storeStaged = storeStaged;
    private readonly ILogger _logger = logger;

    /// <summary>
    /// Executes a client's write commands into proposals, if the core takes proposals now; the
    /// replies are released when the core completes them. Held during a FAILOVER; refused with
    /// the core's reason otherwise.
    /// </summary>
    public void Submit(ClientWriteBatch batch, long nowMs)
    {
        if (batch.Abandoned)
        {
            batch.Complete(); // a blocking command whose client left before it ran: it pops nothing
            return;
        }
        if (_halt.IsHalted)
        {
            batch.Fail(_halt.Error);
            return;
        }
        var admission = _core.Admission;
        if (batch.IsTransaction && !batch.TransactionWrites && admission.Kind != AdmissionKind.Accept && !batch.ReadAtLeader)
        {
            // Reads only: any node runs them, against what it has applied.
            _transactions.Run(batch, nowMs);
            batch.Complete();
            return;
        }
        if (admission.Kind == AdmissionKind.Hold)
        {
            _pause.Hold(batch);
            return;
        }
        if (admission.Kind == AdmissionKind.Refuse)
        {
            if (batch.Forwardable && _forwarding.Enabled && admission.Refusal is NotLeader { Leader: var leader })
            {
                _forwarding.Forward(batch, leader, _watches, nowMs);
                return;
            }
            batch.Fail(admission.Refusal!);
            return;
        }
        if (batch.IsTransaction && TransactionRefusal() is { } refusal)
        {
            batch.Fail(refusal);
            return;
        }
        if (_homes.Routed(batch, nowMs))
        {
            return; // to its keys' home site (multi-leader conflict avoidance)
        }
        if (_core is IRequestCore requestCore)
        {
            _requests.Submit(batch, requestCore);
            return;
        }
        if (batch.IsTransaction)
        {
            // Everything staged before it is stored first: a forwarded watch is checked against
            // the log, and key-range reads (KEYS, SCAN) see storage.
            _storeStaged();
            ProposeAndWake(_transactions.Run(batch, nowMs), batch, nowMs);
        }
        else if (!ExecuteCommands(batch, nowMs))
        {
            return; // parked: a blocking command waits for a push
        }
        AwaitAcknowledgement(batch);
    }

    /// <summary>Executes a batch's commands one by one and proposes each; false when a blocking command parked the batch instead.</summary>
    private bool ExecuteCommands(ClientWriteBatch batch, long nowMs)
    {
        var reply = new RespWriter(batch.Replies, batch.Protocol);
        for (var i = 0; i < batch.Commands.Count; i++)
        {
            if (_sites is not null)
            {
                SubmitVersioned(batch, batch.Commands[i], reply, nowMs);
                continue;
            }
            // Only a command sent on its own may wait (the connection sends a blocking one alone).
            _executor.Context.BlockingAllowed = batch.Commands.Count == 1;
            var payload = Execute(batch.Commands[i], reply, batch.Db, nowMs);
            _executor.Context.BlockingAllowed = false;
            if (_executor.Context.Block is { } block)
            {
                _executor.Context.Block = null;
                if (block.Retry is { } retry)
                {
                    batch.Commands.Clear();
                    batch.Commands.Add([.. retry]);
                }
                _blocked.Park(batch, block, nowMs);
                return false;
            }
            ProposeAndWake(payload, batch, nowMs, batch.Commands[i]);
        }
        return true;
    }

    private void AwaitAcknowledgement(ClientWriteBatch batch)
    {
        var waitFor = _core.LastProposed;
        batch.WaitFor = waitFor.Lsn;
        _acks.Add(batch, waitFor);
    }

    /// <summary>
    /// Proposes a write, then serves the clients blocked on a key it changed, oldest first, as
    /// Redis does after each command: each runs its command again (now a plain pop, logged as
    /// its own entry), and what it pushes (BLMOVE) may serve others in turn.
    /// </summary>
    private void ProposeAndWake(byte[]? payload, ClientWriteBatch batch, long nowMs, RespCommand? command = null)
    {
        _proposer.Propose(payload, batch, command, nowMs);
        var changes = new Queue<byte[]>();
        if (payload is not null && _blocked.Count > 0)
        {
            changes.Enqueue(payload);
        }
        while (changes.TryDequeue(out var changed) && _blocked.Count > 0)
        {
            var stillWaiting = new List<BlockedPop>();
            foreach (var parked in _blocked.TakeWaiting(changed))
            {
                var served = parked.Batch;
                _executor.Context.BlockingAllowed = true;
                var popped = Execute(served.Commands[0], new RespWriter(served.Replies, served.Protocol), served.Db, nowMs);
                _executor.Context.BlockingAllowed = false;
                if (_executor.Context.Block is not null)
                {
                    _executor.Context.Block = null;
                    stillWaiting.Add(parked);
                    continue;
                }
                _proposer.Propose(popped, served, served.Commands[0], nowMs);
                AwaitAcknowledgement(served);
                if (popped is not null)
                {
                    changes.Enqueue(popped);
                }
            }
            _blocked.ParkAgain(stillWaiting);
        }
    }

    /// <summary>A write at a multi-leader site: executed as usual, then every key it changed is versioned and the change proposed for the other sites too.</summary>
    private void SubmitVersioned(ClientWriteBatch batch, RespCommand command, RespWriter reply, long nowMs)
    {
        if (SiteData.Refusal(command) is { } refusal)
        {
            reply.WriteError(refusal);
            return;
        }
        var stamp = _core.StampWrite(nowMs)!;
        // The refusal belongs to this command only: expiry and replicated changes that use the
        // same executor afterwards must not be judged by it.
        _executor.Context.SiteRefusal = SiteData.RefusalFor(command, stamp);
        byte[]? payload;
        try
        {
            payload = Execute(command, reply, batch.Db, nowMs);
        }
        finally
        {
            _executor.Context.SiteRefusal = null;
        }
        var before = _executor.Context.TakeBeforeImages();
        var setAdds = SiteData.SetAdds(command);
        if (setAdds is not null && before.Count == 0 && _executor.Context.GetStored(batch.Db, command[1]) is { } unchanged
            && !Chorus.Commands.Values.KeyRecord.IsTombstoneRecord(unchanged) && Chorus.Commands.Values.KeyRecord.ParseImage(unchanged).Type == Chorus.Commands.Values.DataType.Set)
        {
            // SADD of members already present changed nothing here, but is still an add for the other sites.
            before.Add(new BeforeImage(batch.Db, command[1].ToArray(), unchanged));
        }
        if (before.Count > 0 && _sites!.Version(stamp, before, payload, setAdds) is { } proposal)
        {
            batch.LastWrittenLsn = _core.Propose(PayloadKind.MultiLeader, proposal).Lsn;
        }
    }

    /// <summary>
    /// Why this node's family cannot make a transaction's writes atomic, or null when it can (one
    /// log carries them as one entry). Leaderless: every key is written by its own quorum. A
    /// multi-leader site: other sites merge each key on its own.
    /// </summary>
    private string? TransactionRefusal() =>
        _core is IRequestCore
            ? "ERR MULTI/EXEC is not available in the leaderless family: every key is written by its own quorum, so writes to several keys cannot be made atomic"
            : _sites is not null
                ? "ERR MULTI/EXEC is not available at a multi-leader site: other sites merge each key on its own, so writes to several keys cannot be made atomic"
                : null;


    private byte[]? Execute(RespCommand command, RespWriter reply, int db, long nowMs)
    {
        _proposer.StoreStagedIfPhysical();
        try
        {
            return _executor.Execute(command, reply, nowMs, db);
        }
        catch (Exception e) when (e is not InvariantViolationException)
        {
            _logger.LogError(e, "command {Command} failed", command.ToString());
            reply.WriteError($"ERR internal error: {e.Message}");
            return null;
        }
    }
}
