using Chorus.Core;
using Chorus.Replication;

namespace Chorus.Node;

/// <summary>
/// Reads that must wait before this node may serve them (<see cref="ReadGuard"/>), held as loop
/// state — never a blocked thread: each waits for the core's read barrier, for the local log to
/// reach its LSN, for the node to be current enough, and — linearizable and session reads — after
/// being served, for what it saw to be committed. Time is the loop round's time; a read that waited
/// <see cref="ReadGuard.WaitMs"/> is held back with the reason.
/// <para>
/// Why a linearizable reply waits for the commit point: this node applies entries when it stores
/// them, before a majority holds them, so local state can include a write that a failover rolls
/// back. Answering only once everything up to the state it read is committed makes the read's
/// value part of every future history (and a read that saw a rolled-back write is not answered).
/// </para>
/// </summary>
internal sealed class ReadGate(IReplicationCore core, AppliedLsnWaiters applied)
{
    /// <summary>Reads waiting at once, at most; more are held back at once (the node is overloaded).</summary>
    public const int PendingMax = 65_536;

    private readonly List<PendingRead> _pending = [];
    private readonly Dictionary<ReadRequestId, PendingRead> _byBarrier = [];
    private ulong _nextBarrier;
    private long _nowMs;

    /// <summary>Reads held back so far (what would otherwise have been a stale or unsafe read), by reason.</summary>
    public ReadGateCounters Counters { get; } = new();

    public int Count => _pending.Count;

    public void Add(GuardedReadInput input, long nowMs)
    {
        _nowMs = nowMs;
        var read = new PendingRead(input, nowMs + Math.Max(0, input.Guard.WaitMs));
        if (_pending.Count >= PendingMax)
        {
            HoldBack(read, new NotCaughtUp(input.Guard.AtLeast, applied.Applied, 0));
            return;
        }
        if (input.Guard.Linearizable)
        {
            var id = new ReadRequestId(++_nextBarrier);
            read.Barrier = id;
            if (core.RequestRead(new ReadRequest(id)) is { } outcome)
            {
                OnBarrier(read, outcome);
                if (read.Done)
                {
                    return;
                }
            }
            else
            {
                _byBarrier[id] = read;
            }
        }
        _pending.Add(read);
        PublishCommitted();
        TryProgress(read);
        if (read.Done)
        {
            _pending.Remove(read);
        }
    }

    /// <summary>The core answered a read barrier (from a Ready).</summary>
    public void Complete(ReadCompletion completion)
    {
        if (_byBarrier.Remove(completion.Id, out var read))
        {
            OnBarrier(read, completion.Outcome);
        }
    }

    /// <summary>The log was truncated after <paramref name="keepThrough"/>: a read that saw more than that saw a rolled-back write.</summary>
    public void OnTruncated(Lsn keepThrough)
    {
        foreach (var read in _pending.Where(r => r.ServedAt is { } at && at > keepThrough))
        {
            HoldBack(read, new NotCommitted(read.ServedAt!.Value, keepThrough));
        }
        _pending.RemoveAll(r => r.Done);
    }

    /// <summary>
    /// Before any read is answered: the commit point it may be answered against, for other threads
    /// (a named session's lookup at the leader counts it as seen, so no later read of the session,
    /// on any device, shows less than a read already answered — see SessionRecord.AtLeader).
    /// </summary>
    private void PublishCommitted() => applied.NoteCommitted(core.Committed?.Lsn ?? Lsn.Zero);

    /// <summary>Serves and answers every read whose requirement now holds (after each Ready is carried out).</summary>
    public void Progress(long nowMs)
    {
        _nowMs = nowMs;
        if (_pending.Count == 0)
        {
            return;
        }
        PublishCommitted();
        foreach (var read in _pending)
        {
            TryProgress(read);
        }
        _pending.RemoveAll(r => r.Done);
    }

    /// <summary>Reads whose wait ran out are held back with what they still lacked (at the start of a round).</summary>
    public void ExpireDue(long nowMs)
    {
        Progress(nowMs);
        foreach (var read in _pending.Where(r => nowMs >= r.DeadlineMs))
        {
            HoldBack(read, Lacking(read));
        }
        _pending.RemoveAll(r => r.Done);
    }

    /// <summary>The node is stopping: nothing waiting is answered from here.</summary>
    public void FailAll()
    {
        foreach (var read in _pending)
        {
            HoldBack(read, new ReadNodeStopping());
        }
        _pending.Clear();
        _byBarrier.Clear();
    }

    private void OnBarrier(PendingRead read, ReadOutcome outcome)
    {
        switch (outcome)
        {
            case ReadAt at:
                read.BarrierLsn = at.Committed.Lsn;
                read.BarrierPassed = true;
                break;
            case ReadRefused refused:
                HoldBack(read, new NotLinearizable(refused.Reason));
                break;
        }
    }

    private void TryProgress(PendingRead read)
    {
        var guard = read.Input.Guard;
        if (read.Done)
        {
            return;
        }
        if (read.ServedAt is null)
        {
            var needed = Lsn.Max(guard.AtLeast, read.BarrierLsn);
            if (!guard.StalenessOk(core.CurrentAsOfMs, _nowMs))
            {
                // Prove freshness now rather than at the next heartbeat: a bound below two
                // heartbeat intervals is otherwise never met at an idle follower. One request
                // is shared by every read waiting (the core keeps at most one outstanding).
                core.RequestFreshness();
                return;
            }
            if ((guard.Linearizable && !read.BarrierPassed) || applied.Applied < needed)
            {
                return;
            }
            read.Input.Serve();
            read.ServedAt = applied.Applied;
        }
        if (guard.WaitsForCommit && core.Committed is { } committed && committed.Lsn < read.ServedAt!.Value)
        {
            return; // answered once what it saw can no longer be rolled back
        }
        read.Done = true;
        Counters.Served++;
        read.Input.Completion.TrySetResult(new ReadServed(read.ServedAt!.Value));
    }

    private ReadRefusal Lacking(PendingRead read)
    {
        var guard = read.Input.Guard;
        if (read.ServedAt is { } saw)
        {
            return new NotCommitted(saw, core.Committed?.Lsn ?? Lsn.Zero);
        }
        if (guard.Linearizable && !read.BarrierPassed)
        {
            return new NotLinearizable(new ReadNotConfirmed(guard.WaitMs));
        }
        var needed = Lsn.Max(guard.AtLeast, read.BarrierLsn);
        if (applied.Applied < needed)
        {
            return new NotCaughtUp(needed, applied.Applied, guard.WaitMs);
        }
        return new TooStale(core.CurrentAsOfMs is { } at ? _nowMs - at : null, guard.MaxStalenessMs);
    }

    private void HoldBack(PendingRead read, ReadRefusal reason)
    {
        if (read.Done)
        {
            return;
        }
        read.Done = true;
        if (read.Barrier is { } id)
        {
            _byBarrier.Remove(id);
        }
        Counters.Count(reason);
        read.Input.Completion.TrySetResult(new ReadHeldBack(reason));
    }

    private sealed class PendingRead(GuardedReadInput input, long deadlineMs)
    {
        public GuardedReadInput Input { get; } = input;

        public long DeadlineMs { get; } = deadlineMs;

        public ReadRequestId? Barrier { get; set; }

        public bool BarrierPassed { get; set; }

        public Lsn BarrierLsn { get; set; }

        /// <summary>Served: the applied LSN of the state it read (a linearizable read's reply waits for it to be committed).</summary>
        public Lsn? ServedAt { get; set; }

        public bool Done { get; set; }
    }
}

/// <summary>What the read gate did, for INFO and metrics (written on the loop, read anywhere).</summary>
public sealed class ReadGateCounters
{
    private long _served;
    private long _notCaughtUp;
    private long _tooStale;
    private long _notLinearizable;
    private long _notCommitted;

    public long Served { get => Volatile.Read(ref _served); internal set => Volatile.Write(ref _served, value); }

    public long NotCaughtUp => Volatile.Read(ref _notCaughtUp);

    public long TooStale => Volatile.Read(ref _tooStale);

    public long NotLinearizable => Volatile.Read(ref _notLinearizable);

    public long NotCommitted => Volatile.Read(ref _notCommitted);

    internal void Count(ReadRefusal reason)
    {
        switch (reason)
        {
            case Node.NotCaughtUp:
                Interlocked.Increment(ref _notCaughtUp);
                break;
            case Node.TooStale:
                Interlocked.Increment(ref _tooStale);
                break;
            case Node.NotLinearizable:
                Interlocked.Increment(ref _notLinearizable);
                break;
            case Node.NotCommitted:
                Interlocked.Increment(ref _notCommitted);
                break;
        }
    }
}
