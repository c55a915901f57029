using Chorus.Core;
using Chorus.Node;
using Chorus.Node.Sessions;
using Chorus.Replication;
using Chorus.Transport.Grpc;
using Chorus.Transport.Grpc.Protocol;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Chorus.Server.Consistency;

/// <summary>
/// Named sessions across the cluster (docs/consistency.md, "Cross-device sessions"). The leader
/// holds each session's position (<see cref="SessionDirectory"/>); a follower asks it with one
/// small RPC before serving a bound session's guarded read, and tells it when it rolled back a
/// session's writes. Both directions travel on the peer link that forwards writes.
/// </summary>
internal sealed class SessionService(SessionDirectory directory, NodeDriver driver, Chorus.Storage.IStorageEngine storage, GrpcTransport transport, TimeProvider clock, TimeSpan timeout, ILogger logger)
    : ISessionHandler
{
    public SessionDirectory Directory { get; } = directory;

    private long NowMs => clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>The leader's side: the session's position (raising it to the log end if nothing was recorded this epoch), after taking in any notices.</summary>
    public Task<SessionReply> SessionAsync(SessionRequest request, CancellationToken cancellationToken)
    {
        var status = driver.Status;
        // Only a leader that takes writes answers: one that lost its majority (its lease ran out)
        // may have been replaced, and would not know the session's writes at the new leader.
        if (status.Role != NodeRole.Leader || status.Admission.Kind != AdmissionKind.Accept)
        {
            return Task.FromResult(new SessionReply { Error = $"TRYAGAIN {status.Self} is not a leader taking writes, so it cannot tell a session's position; retry" });
        }
        if (SessionDirectory.Invalid(System.Text.Encoding.UTF8.GetBytes(request.Id)) is { } invalid)
        {
            return Task.FromResult(new SessionReply { Error = invalid });
        }
        var now = NowMs;
        var session = Directory.Open(request.Id, now);
        if (session is null)
        {
            return Task.FromResult(new SessionReply { Error = "TRYAGAIN the leader " + SessionDirectory.FullReason });
        }
        foreach (var notice in request.Notices.Take(NamedSession.NoticesMax))
        {
            session.Notify(FromWire(notice));
        }
        var made = new WriteGroup(new Lsn(request.WrittenFirst), new Lsn(request.WrittenLast), new Epoch(request.WrittenEpoch));
        var pending = request.Pending.Take(PendingMax).Select(p => new WriteGroup(new Lsn(p.First), new Lsn(p.Last), new Epoch(p.Epoch))).Where(g => g.HasIdentity && g.First <= g.Last).ToList();
        var (error, settled) = RecordAtLeader(session, status, new Lsn(request.Written), new Lsn(request.Seen), made, pending);
        if (error is not null)
        {
            return Task.FromResult(new SessionReply { Error = error });
        }
        if (request.Counts is { } counts)
        {
            session.Totals.Add(FromWire(counts)); // only once nothing refused the request: a refused one sends them again
        }
        var reply = new SessionReply { Written = session.Written.Value, Seen = session.Seen.Value, Totals = ToWire(session.Totals.AtLeader(session.Counters)), SettledThrough = settled.Value, LastWriteAgoMs = session.WriteAgoMs(now) };
        reply.Notices.AddRange(session.NoticesAfter(0).Select(ToWire));
        return Task.FromResult(reply);
    }

    /// <summary>
    /// Brings <paramref name="session"/> up to the cluster's view of it: locally on the leader, else
    /// by asking the leader. Returns null, or the error to refuse the read with (no leader known,
    /// leader unreachable) — a bound session's guarded read cannot be served blind.
    /// <paramref name="written"/> (when not zero) records a write the session made through a
    /// connection not bound to it (<c>CHORUS.SESSION WROTE</c>).
    /// </summary>
    public async ValueTask<string?> RefreshAsync(NamedSession session, Lsn seen, CancellationToken cancellationToken, Lsn written = default, WriteGroup made = default) =>
        (await RecordAsync(session, seen, written, made, [], cancellationToken)).Error;

    /// <summary>Device writes the leader judges per request at most (a client lists its unsettled ones).</summary>
    public const int PendingMax = SessionRecord.PendingReportMax;

    /// <summary>
    /// As <see cref="RefreshAsync"/>, with the device's earlier writes not yet known settled
    /// (<paramref name="pending"/>, judged against the leader's committed log). Returns the error,
    /// or the leader's commit point at which it judged them (every one at or below it is decided).
    /// </summary>
    public async ValueTask<(string? Error, Lsn SettledThrough)> RecordAsync(NamedSession session, Lsn seen, Lsn written, WriteGroup made, IReadOnlyList<WriteGroup> pending, CancellationToken cancellationToken)
    {
        var status = driver.Status;
        if (status.Role == NodeRole.Leader)
        {
            return RecordAtLeader(session, status, written, seen, made, pending);
        }
        if (status.Leader is not { } leader)
        {
            return ("TRYAGAIN no leader is known, so this replica cannot learn session " + session.Id + "'s position; retry", Lsn.Zero);
        }
        var unreported = session.Totals.TakeUnreported(session.Counters);
        var request = new SessionRequest { Id = session.Id, Seen = seen.Value, Written = written.Value, WrittenFirst = made.First.Value, WrittenLast = made.Last.Value, WrittenEpoch = made.Epoch.Value, Counts = ToWire(unreported) };
        request.Pending.AddRange(pending.Take(PendingMax).Select(g => new PendingWrite { First = g.First.Value, Last = g.Last.Value, Epoch = g.Epoch.Value }));
        var reply = await AskAsync(leader, request, cancellationToken);
        if (reply is null || reply.Error.Length > 0)
        {
            // A refusal said why before it took the counts in; a lost reply may not have: counting
            // them again next time can only overcount by what one lost reply carried.
            session.Totals.GiveBack(unreported);
            return (reply?.Error is { Length: > 0 } error ? error : $"TRYAGAIN the leader {leader} did not answer about session {session.Id}; retry", Lsn.Zero);
        }
        if (reply.Totals is { } totals)
        {
            session.Totals.Heard(FromWire(totals));
        }
        session.Learned(new Lsn(reply.Written));
        session.Saw(new Lsn(reply.Seen));
        session.LearnedWriteAgo(reply.LastWriteAgoMs, NowMs);
        foreach (var notice in reply.Notices)
        {
            session.Notify(FromWire(notice));
        }
        return (null, new Lsn(reply.SettledThrough));
    }

    /// <summary>
    /// A rollback on this node (called on the node loop): each named session that made one of the
    /// discarded entries here gets a notice, and the leader is told in the background so the
    /// session learns it on whichever node it uses next.
    /// </summary>
    public void OnRollback(RollbackRecord record)
    {
        foreach (var session in Directory.All)
        {
            var notices = session.MatchRollback(record);
            if (notices.Count == 0)
            {
                continue;
            }
            logger.LogWarning("a rollback discarded {Count} writes of session {Session}: {Notices}", notices.Count, session.Id, string.Join("; ", notices));
            _ = TellLeaderAsync(session.Id, notices, record.EpochAtRollback);
        }
    }

    private async Task TellLeaderAsync(string id, IReadOnlyList<RollbackNotice> notices, Epoch rolledBackIn)
    {
        // The rollback happened because another node leads: retry until one is known and answers.
        // The published status can be a round old, from before this node stepped down: a status
        // from an earlier epoch than the rollback's says nothing about who leads now (trusting its
        // "leader" role kept the notice on this node only). One deadline for all of it: waiting
        // for the status used to spend a 60-attempt budget 50 ms at a time, so a node whose status
        // lagged 3 s (a busy machine) gave up without ever asking.
        var deadline = clock.GetUtcNow() + TellLeaderFor;
        while (clock.GetUtcNow() < deadline)
        {
            var status = driver.Status;
            if (status.Epoch < rolledBackIn)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), clock);
                continue;
            }
            if (status.Role == NodeRole.Leader && status.Epoch > rolledBackIn)
            {
                return; // this node leads again, in a later epoch: its own directory holds the notices
            }
            if (status.Role != NodeRole.Leader && status.Leader is { } leader)
            {
                var request = new SessionRequest { Id = id };
                request.Notices.AddRange(notices.Select(ToWire));
                if (await AskAsync(leader, request, CancellationToken.None) is { Error.Length: 0 })
                {
                    return;
                }
            }
            await Task.Delay(TimeSpan.FromMilliseconds(500), clock);
        }
        logger.LogWarning("could not tell a leader about session {Session}'s rolled-back writes; they show on this node only", id);
    }

    /// <summary>How long a node that rolled back a session's writes keeps trying to tell the leader.</summary>
    private static readonly TimeSpan TellLeaderFor = TimeSpan.FromSeconds(30);

    private async Task<SessionReply?> AskAsync(NodeId leader, SessionRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await transport.SessionAsync(leader, request, timeout, cancellationToken);
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException)
        {
            logger.LogDebug("asking {Leader} about session {Session} failed: {Error}", leader, request.Id, e.Message);
            return null;
        }
    }

    /// <summary>
    /// The leader's record of a session: raised to the log end if nothing was recorded this epoch
    /// — before a reported write is taken in, since a write acknowledged in an earlier epoch can sit
    /// below entries of other devices that survived the failover — then the write and the state
    /// read taken in. A write beyond the log end cannot be this history's: refused. The entries
    /// the write made (<paramref name="made"/>, when the client knows them) are remembered exactly,
    /// so a rollback of them on this node becomes the session's notice.
    /// </summary>
    private (string? Error, Lsn SettledThrough) RecordAtLeader(NamedSession session, NodeStatus status, Lsn written, Lsn seen, WriteGroup made, IReadOnlyList<WriteGroup> pending)
    {
        var end = LogEnd(status);
        var committed = Lsn.Max(status.Committed, driver.Applied.Committed);
        var view = new LeaderView(status.Epoch, end, committed) { EpochAt = lsn => LogEpochs.At(storage, lsn), DurablyCommitted = status.DurablyCommitted };
        return session.RecordAtLeader(view, written, seen, made, pending, NowMs) switch
        {
            WriteRecording.AheadOfLog => ($"ERR session token for LSN {Lsn.Max(written, made.Last).Value} is ahead of this cluster's log (it ends at LSN {end.Value}): a token from another cluster, or from a history a failover discarded", Lsn.Zero),
            WriteRecording.NewerEpoch => ($"TRYAGAIN {status.Self} leads epoch {status.Epoch.Value}, but the write was made in epoch {made.Epoch.Value}: a newer leader exists; retry", Lsn.Zero),
            _ => (null, status.DurablyCommitted),
        };
    }

    /// <summary>The end of the leader's log; its applied LSN is read live (the published status may be a moment old).</summary>
    private Lsn LogEnd(NodeStatus status) => Lsn.Max(status.Last.Lsn, driver.Applied.Applied);

    private static Chorus.Transport.Grpc.Protocol.SessionCounts ToWire(SessionCounts counts) => new()
    {
        Writes = (ulong)Math.Max(0, counts.Writes),
        Reads = (ulong)Math.Max(0, counts.Reads),
        Waited = (ulong)Math.Max(0, counts.Waited),
        Forwarded = (ulong)Math.Max(0, counts.Forwarded),
        Refused = (ulong)Math.Max(0, counts.Refused),
    };

    /// A peer's counts, clamped: a forged huge value must not wrap the sums negative.
    private static SessionCounts FromWire(Chorus.Transport.Grpc.Protocol.SessionCounts counts) =>
        new(Clamp(counts.Writes), Clamp(counts.Reads), Clamp(counts.Waited), Clamp(counts.Forwarded), Clamp(counts.Refused));

    private static long Clamp(ulong value) => (long)Math.Min(value, int.MaxValue);

    private static SessionNotice ToWire(RollbackNotice notice)
    {
        var wire = new SessionNotice { Lsn = notice.Lsn.Value, Epoch = notice.Epoch.Value, AtMs = notice.AtMs, KeysUnknown = !notice.KeysKnown };
        wire.Keys.AddRange(notice.Keys);
        return wire;
    }

    private static RollbackNotice FromWire(SessionNotice notice) =>
        new(new Lsn(notice.Lsn), new Epoch(notice.Epoch), [.. notice.Keys.Take(SessionRollbackSink.KeysMax)], notice.AtMs) { KeysKnown = !notice.KeysUnknown };
}
