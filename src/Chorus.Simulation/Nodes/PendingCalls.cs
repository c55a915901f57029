using Chorus.Core;
using Chorus.Node;
using Chorus.Resp;

namespace Chorus.Simulation.Nodes;

/// <summary>
/// Callers waiting on a simulated node, as connection threads wait on a real one: writes until
/// the driver completes them; guarded reads, WAITs and snapshots until the loop answers them;
/// reads that reached a paused process until it resumes. After each round, every call that
/// completed is answered; when the node stops, every waiting caller is told its call was lost.
/// </summary>
internal sealed class PendingCalls
{
    private readonly List<(ClientWriteBatch Batch, Action Done, Action Lost)> _writes = [];
    private readonly List<GuardedRead> _guardedReads = [];
    private readonly List<(TaskCompletionSource<int> Completion, Action<int> Reply, Action Lost)> _replicaWaits = [];
    private readonly List<(TaskCompletionSource<LogPosition> Completion, Action Taken)> _snapshots = [];
    private readonly Queue<(Action Serve, Action Lost)> _pausedReads = new();

    /// <summary>Guarded reads answered by this node while it did not lead (across restarts).</summary>
    public GuardedFollowerReads FollowerReads { get; } = new();

    /// <summary>A write batch; <paramref name="done"/> runs once the driver completes it.</summary>
    public void AddWrite(ClientWriteBatch batch, Action done, Action lost) => _writes.Add((batch, done, lost));

    /// <summary>A guarded read; the loop sets its value and completes it.</summary>
    public GuardedRead AddGuardedRead(Action<RespValue, Lsn> reply, Action lost)
    {
        var read = new GuardedRead(reply, lost);
        _guardedReads.Add(read);
        return read;
    }

    /// <summary>A WAIT; <paramref name="reply"/> gets the count the loop completes it with.</summary>
    public TaskCompletionSource<int> AddReplicaWait(Action<int> reply, Action lost)
    {
        var completion = new TaskCompletionSource<int>();
        _replicaWaits.Add((completion, reply, lost));
        return completion;
    }

    /// <summary>A snapshot; <paramref name="taken"/> runs with its position once the loop took it (a stopped node's is dropped).</summary>
    public TaskCompletionSource<LogPosition> AddSnapshot(Action<LogPosition> taken)
    {
        var completion = new TaskCompletionSource<LogPosition>();
        _snapshots.Add((completion, () => taken(completion.Task.Result)));
        return completion;
    }

    /// <summary>A paused process answers nothing until it resumes; a resumed one answers then.</summary>
    public void HoldWhilePaused(Action serve, Action lost) => _pausedReads.Enqueue((serve, lost));

    /// <summary>Answers every call that completed (and, while the node is up, the reads held during a pause).</summary>
    public void ReleaseCompleted(bool up)
    {
        while (up && _pausedReads.TryDequeue(out var read))
        {
            read.Serve();
        }
        for (var i = 0; i < _guardedReads.Count; i++)
        {
            if (_guardedReads[i].Completion.Task.IsCompleted)
            {
                var read = _guardedReads[i];
                _guardedReads.RemoveAt(i--);
                switch (read.Completion.Task.Result)
                {
                    case ReadHeldBack heldBack:
                        FollowerReads.CountHeldBack(read.AtFollower, heldBack.Reason);
                        read.Reply(RespValue.Error(ReadText.Error(heldBack.Reason)), Lsn.Zero);
                        break;
                    case ReadServed served:
                        FollowerReads.CountServed(read.AtFollower);
                        read.Reply(read.Value!, served.At);
                        break;
                }
            }
        }
        for (var i = 0; i < _snapshots.Count; i++)
        {
            if (_snapshots[i].Completion.Task.IsCompleted)
            {
                var snapshot = _snapshots[i];
                _snapshots.RemoveAt(i--);
                snapshot.Taken();
            }
        }
        for (var i = 0; i < _replicaWaits.Count; i++)
        {
            if (_replicaWaits[i].Completion.Task.IsCompleted)
            {
                var wait = _replicaWaits[i];
                _replicaWaits.RemoveAt(i--);
                wait.Reply(wait.Completion.Task.Result);
            }
        }
        for (var i = 0; i < _writes.Count; i++)
        {
            if (_writes[i].Batch.Completion.IsCompleted)
            {
                var done = _writes[i].Done;
                _writes.RemoveAt(i--);
                done();
            }
        }
    }

    /// <summary>The node stopped: forgets every call and returns how to tell each waiting caller it was lost.</summary>
    public List<Action> TakeLost()
    {
        var lost = new List<Action>();
        while (_pausedReads.TryDequeue(out var read))
        {
            lost.Add(read.Lost);
        }
        lost.AddRange(_writes.Select(p => p.Lost));
        lost.AddRange(_guardedReads.Select(r => r.Lost));
        lost.AddRange(_replicaWaits.Select(w => w.Lost));
        _replicaWaits.Clear();
        _snapshots.Clear();
        _writes.Clear();
        _guardedReads.Clear();
        return lost;
    }

    /// <summary>A guarded read in flight: the value the loop read, and whether the reply may leave.</summary>
    /// <summary>A guarded read in flight; its reply carries the log position it was served at (zero when held back).</summary>
    public sealed class GuardedRead(Action<RespValue, Lsn> reply, Action lost)
    {
        public Action<RespValue, Lsn> Reply { get; } = reply;

        public Action Lost { get; } = lost;

        public TaskCompletionSource<ReadVerdict> Completion { get; } = new();

        public RespValue? Value { get; set; }

        /// <summary>The node did not lead when it took the read (and, if served, when it served it).</summary>
        public bool AtFollower { get; set; }
    }
}
