using Chorus.Core;
using Chorus.Node;
using Chorus.Node.Sessions;
using Chorus.Replication;
using Chorus.Simulation.Engine;
using Chorus.Simulation.Network;

namespace Chorus.Simulation.Nodes;

/// <summary>
/// Named sessions in the simulator, in place of production's SessionService and its gRPC call:
/// a node brings a session up to the leader's record of it (a local call at the leader, else one
/// round trip across the simulated network, lost and delayed like any message), with each node's
/// <see cref="SessionTable{TSession}"/> of production <see cref="SessionRecord"/>s doing the
/// protocol: the raise to the log end once per epoch, recorded write groups, rollback matching by
/// LSN. A node's table lives in memory and starts empty at each start, as production's does.
/// </summary>
internal sealed class SimSessionLink(SimNetwork network, Func<NodeId, SimNode> nodes, Scheduler scheduler, SessionLedger ledger)
{
    /// <summary>How long a node waits for the leader's answer (production: the peer call timeout).</summary>
    public const long AskTimeoutUs = 500_000;

    /// <summary>
    /// At <paramref name="at"/>: the session's position as the leader records it, after the leader
    /// took in a write up to <paramref name="written"/> (entries <paramref name="made"/>) and the
    /// state <paramref name="seen"/> — production's <c>RefreshAsync</c>. <paramref name="answered"/>
    /// is called once: with the view, or with the refusal (no leader, not answering in time).
    /// </summary>
    public void Refresh(SimNode at, string id, Lsn written, WriteGroup made, Lsn seen, Action<SessionView> answered) =>
        Refresh(at, id, written, made, [], seen, answered);

    /// <summary>As above, with the device's earlier writes it does not know settled (<paramref name="pending"/>: <c>… PENDING</c>).</summary>
    public void Refresh(SimNode at, string id, Lsn written, WriteGroup made, IReadOnlyList<WriteGroup> pending, Lsn seen, Action<SessionView> answered)
    {
        if (at.Driver is not { } driver)
        {
            answered(SessionView.Refused("TRYAGAIN node stopped"));
            return;
        }
        var status = driver.Status;
        if (status.Role == NodeRole.Leader)
        {
            answered(AtLeader(at, id, written, made, pending, seen));
            return;
        }
        if (status.Leader is not { } leader)
        {
            answered(SessionView.Refused($"TRYAGAIN no leader is known, so this replica cannot learn session {id}'s position; retry"));
            return;
        }
        var finished = false;
        void Finish(SessionView view)
        {
            if (!finished)
            {
                finished = true;
                answered(view);
            }
        }
        var incarnation = at.Incarnation;
        scheduler.After(AskTimeoutUs, () => Finish(SessionView.Refused($"TRYAGAIN the leader {leader} did not answer about session {id}; retry")));
        network.Carry(at.Id, leader, $"session {id}", () =>
        {
            if (nodes(leader) is not { State: NodeState.Up } asked)
            {
                return; // a paused or stopped node answers nothing: the asker times out
            }
            var view = AtLeader(asked, id, written, made, pending, seen);
            network.Carry(leader, at.Id, $"session {id} answer", () =>
            {
                if (at.Incarnation != incarnation || at.State != NodeState.Up)
                {
                    return;
                }
                if (view.Error is null && at.Sessions.Open(id, at.LocalMs) is { } local)
                {
                    local.Learned(view.Written);
                    local.Saw(view.Seen);
                    foreach (var notice in view.Notices)
                    {
                        local.Notify(notice);
                    }
                }
                Finish(view);
            });
        });
    }

    /// <summary>A rollback on <paramref name="node"/> (on its loop): the sessions that made discarded entries there get notices.</summary>
    public void OnRollback(SimNode node, RollbackRecord record)
    {
        foreach (var (session, notices) in SessionRollbacks.Match(node.Sessions.All, record, _ => []))
        {
            foreach (var notice in notices)
            {
                ledger.Noticed(session.Id, notice.Lsn, notice.Epoch);
            }
        }
        ledger.RolledBack(node.Id, node.Incarnation, record);
    }

    /// <summary>The leader's side (production's SessionService.SessionAsync): only a leader taking writes answers.</summary>
    private SessionView AtLeader(SimNode node, string id, Lsn written, WriteGroup made, IReadOnlyList<WriteGroup> pending, Lsn seen)
    {
        var driver = node.Driver!;
        var status = driver.Status;
        if (status.Role != NodeRole.Leader || status.Admission.Kind != AdmissionKind.Accept)
        {
            return SessionView.Refused($"TRYAGAIN {node.Id} is not a leader taking writes, so it cannot tell a session's position; retry");
        }
        if (node.Sessions.Open(id, node.LocalMs) is not { } session)
        {
            return SessionView.Refused("TRYAGAIN the leader holds too many sessions");
        }
        var end = Lsn.Max(status.Last.Lsn, driver.Applied.Applied);
        var committed = Lsn.Max(status.Committed, driver.Applied.Committed);
        var view = new LeaderView(status.Epoch, end, committed) { EpochAt = lsn => LogEpochs.At(node.Storage, lsn), DurablyCommitted = status.DurablyCommitted };
        var noticedBefore = session.LatestNotice;
        var recording = session.RecordAtLeader(view, written, seen, made, pending, node.LocalMs);
        foreach (var notice in session.NoticesAfter(noticedBefore))
        {
            ledger.Noticed(id, notice.Lsn, notice.Epoch); // judged by (epoch, LSN) against this leader's committed log
        }
        switch (recording)
        {
            case WriteRecording.AheadOfLog:
                return SessionView.Refused($"ERR session token for LSN {Lsn.Max(written, made.Last).Value} is ahead of this cluster's log (it ends at LSN {end.Value})");
            case WriteRecording.NewerEpoch:
                return SessionView.Refused($"TRYAGAIN {node.Id} leads epoch {status.Epoch.Value}, but the write was made in epoch {made.Epoch.Value}: a newer leader exists; retry");
            case WriteRecording.Recorded when made.IsKnown:
                ledger.Recorded(id, made, node.Id, node.Incarnation);
                break;
        }
        return new SessionView(null, session.Written, session.Seen, session.NoticesAfter(0)) { SettledThrough = status.DurablyCommitted };
    }
}

/// <summary>A node's answer about a session: its position and notices, or the refusal (<see cref="Error"/>).</summary>
internal sealed record SessionView(string? Error, Lsn Written, Lsn Seen, IReadOnlyList<RollbackNotice> Notices)
{
    /// <summary>The leader's commit point when it judged the device's pending writes: each at or below it is decided.</summary>
    public Lsn SettledThrough { get; init; }

    public static SessionView Refused(string error) => new(error, Lsn.Zero, Lsn.Zero, []);
}
