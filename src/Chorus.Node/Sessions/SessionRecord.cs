using Chorus.Core;

namespace Chorus.Node.Sessions;

/// <summary>
/// One named session as a node knows it — the protocol part (docs/consistency.md, "Cross-device
/// sessions"): its position (the latest write and the newest state it read, on any device), the
/// entries it wrote here (to match a rollback by LSN), and its rollback notices. Deterministic and
/// single-threaded: time is an input (<c>nowMs</c>), and a host that shares it between threads
/// guards it (the server's NamedSession does).
/// </summary>
public sealed class SessionRecord(string id, long createdAtMs) : IIdleSession
{
    /// <summary>Recent write groups remembered for rollback attribution (older ones were committed long ago, in practice).</summary>
    public const int RecentWritesMax = 1024;

    /// <summary>Notices kept (the oldest go first).</summary>
    public const int NoticesMax = 32;

    /// <summary>Write groups of known identity kept until a commit point decides them (the oldest go first).</summary>
    public const int UnsettledMax = 256;

    /// <summary>A device's pending writes a leader judges per request at most (a device keeps this many, dropping the oldest).</summary>
    public const int PendingReportMax = 64;

    private readonly Queue<WriteGroup> _recentWrites = new();
    private readonly List<WriteGroup> _unsettled = [];
    private readonly List<RollbackNotice> _notices = [];
    private Epoch _recordedIn;
    private long _toldPerCommand;

    public string Id { get; } = id;

    public long CreatedAtMs { get; } = createdAtMs;

    /// <summary>The log position after the session's latest write, as this node knows it.</summary>
    public Lsn Written { get; private set; }

    /// <summary>The newest state any of the session's connections read, as this node knows it.</summary>
    public Lsn Seen { get; private set; }

    public long LastActiveMs { get; private set; } = createdAtMs;

    /// <summary>
    /// When the session last wrote, on any device, on this node's clock (0: no write known): at the
    /// leader, when it recorded the write; elsewhere, as learned from the leader (its "how long ago",
    /// subtracted from this node's now — so no two clocks are compared, and the estimate can only
    /// be later than the truth, which makes a leader window last longer, never shorter).
    /// </summary>
    public long LastWriteAtMs { get; private set; }

    /// <summary>The leader said the session last wrote <paramref name="agoMs"/> ago (negative: no write known).</summary>
    public void LearnedWriteAgo(long agoMs, long nowMs)
    {
        if (agoMs >= 0)
        {
            LastWriteAtMs = Math.Max(LastWriteAtMs, nowMs - agoMs);
        }
    }

    /// <summary>How long ago the session last wrote, for another node (-1: no write known).</summary>
    public long WriteAgoMs(long nowMs) => LastWriteAtMs == 0 ? -1 : Math.Max(0, nowMs - LastWriteAtMs);

    /// <summary>The sequence number of the newest notice (0: none ever).</summary>
    public long LatestNotice { get; private set; }

    /// <summary>Unused for longer than <paramref name="idleMsMax"/>: the node may forget it (binding it again starts afresh, which the raise-once rule keeps safe).</summary>
    public bool IsIdle(long nowMs, long idleMsMax) => nowMs - LastActiveMs > idleMsMax;

    public void Touch(long nowMs) => LastActiveMs = Math.Max(LastActiveMs, nowMs);

    /// <summary>A write of this session, recorded by the leader in <paramref name="epoch"/>, ended at <paramref name="position"/>; <paramref name="made"/> are its entries (not known: none remembered).</summary>
    public void Wrote(Lsn position, WriteGroup made, Epoch epoch, long nowMs)
    {
        Written = Lsn.Max(Written, position);
        LastWriteAtMs = Math.Max(LastWriteAtMs, nowMs);
        if (epoch > _recordedIn)
        {
            _recordedIn = epoch;
        }
        Touch(nowMs);
        if (made.IsKnown)
        {
            made = made.First > Lsn.Zero ? made : made with { First = made.Last };
            _recentWrites.Enqueue(made);
            if (_recentWrites.Count > RecentWritesMax)
            {
                _recentWrites.Dequeue();
            }
            Track(made);
        }
    }

    /// <summary>The write groups of known identity not decided yet, oldest first (what a device would report).</summary>
    public IReadOnlyList<WriteGroup> Unsettled => _unsettled;

    /// <summary>Keeps <paramref name="made"/> (of known identity) until a commit point decides it.</summary>
    private void Track(WriteGroup made)
    {
        if (!made.HasIdentity || _unsettled.Contains(made))
        {
            return;
        }
        _unsettled.Add(made);
        if (_unsettled.Count > UnsettledMax)
        {
            _unsettled.RemoveAt(0);
        }
    }

    /// <summary>
    /// Judges every unsettled write group against <paramref name="leader"/>'s log (see
    /// <see cref="WriteFates"/>): a group its commit point passed is settled — forgotten if it
    /// survived, a notice per lost entry if it did not (keys not known: this node judged by
    /// (epoch, LSN), it may never have held the entry). Returns the new notices.
    /// </summary>
    public IReadOnlyList<RollbackNotice> Settle(LeaderView leader, long nowMs)
    {
        var notices = new List<RollbackNotice>();
        _unsettled.RemoveAll(group =>
        {
            var fate = WriteFates.Judge(group, leader.DurablyCommitted, leader.EpochAt);
            foreach (var lsn in fate.LostLsns)
            {
                var notice = new RollbackNotice(lsn, group.Epoch, [], nowMs) { KeysKnown = false };
                if (Notify(notice))
                {
                    notices.Add(notice);
                }
            }
            return fate.Kind != WriteFateKind.Undecided;
        });
        return notices;
    }

    /// <summary>The leader said the session has written up to <paramref name="written"/> (a follower's view).</summary>
    public void Learned(Lsn written) => Written = Lsn.Max(Written, written);

    public void Saw(Lsn lsn) => Seen = Lsn.Max(Seen, lsn);

    /// <summary>
    /// The leader's answer to "where is this session?": its recorded position, raised to the
    /// leader's log end the first time it is asked in the leader's epoch with nothing recorded in
    /// it — every surviving write of an earlier epoch is at or below that end — and its newest
    /// state seen raised to the leader's commit point: every read of the session that has been
    /// answered, on any device and node, showed only committed state, which this leader's commit
    /// point covers, so a later read of another device never shows less (monotonic reads across
    /// devices, in real time). <paramref name="seen"/> is what the asking device read.
    /// </summary>
    public (Lsn Written, Lsn Seen) AtLeader(LeaderView leader, Lsn seen)
    {
        if (_recordedIn != leader.Epoch)
        {
            Written = Lsn.Max(Written, leader.LogEnd);
            _recordedIn = leader.Epoch;
        }
        Seen = Lsn.Max(Seen, Lsn.Max(seen, leader.Committed));
        Settle(leader, LastActiveMs);
        return (Written, Seen);
    }

    /// <summary>
    /// The leader takes in what a device reports — a write up to <paramref name="written"/> (its
    /// entries <paramref name="made"/>, when known) and the state it read, <paramref name="seen"/> —
    /// after <see cref="AtLeader"/> (a write acknowledged in an earlier epoch can sit below entries
    /// of other devices that survived the failover). False, changing nothing: the write is beyond
    /// the log end, so it cannot be this history's (another cluster's token, or a discarded history).
    /// </summary>
    public bool RecordAtLeader(LeaderView leader, Lsn written, Lsn seen, WriteGroup made, long nowMs) =>
        RecordAtLeader(leader, written, seen, made, [], nowMs) == WriteRecording.Recorded;

    /// <summary>
    /// As above, for a write named by (epoch, LSN) (<paramref name="made"/> with its epoch), and
    /// with the device's earlier writes not yet known to be settled (<paramref name="pending"/>):
    /// a write whose entries this leader's log does not hold with the write's epoch — another
    /// epoch's entries there, or none yet — is not recorded against them (they are not the
    /// session's): it is kept unsettled and becomes a notice once the commit point passes it
    /// (<see cref="WriteRecording.NotInThisLog"/>). A write from an epoch newer than the leader's
    /// is refused (<see cref="WriteRecording.NewerEpoch"/>: the asked node is a leader that was replaced).
    /// </summary>
    public WriteRecording RecordAtLeader(LeaderView leader, Lsn written, Lsn seen, WriteGroup made, IReadOnlyList<WriteGroup> pending, long nowMs)
    {
        if (made.HasIdentity && made.Epoch > leader.Epoch)
        {
            return WriteRecording.NewerEpoch;
        }
        var foreign = made.HasIdentity && leader.EpochAt(made.Last) != made.Epoch;
        var top = foreign ? written : Lsn.Max(written, made.Last);
        if (top > leader.LogEnd && !(foreign && made.Epoch < leader.Epoch))
        {
            return WriteRecording.AheadOfLog;
        }
        Touch(nowMs);
        foreach (var group in pending.Where(g => g.HasIdentity && g.Epoch <= leader.Epoch))
        {
            Track(group);
        }
        if (foreign)
        {
            Track(made);
        }
        AtLeader(leader, seen);
        if (!foreign && top > Lsn.Zero)
        {
            Wrote(top, made, leader.Epoch, nowMs);
        }
        else if (foreign && written > Lsn.Zero && written <= leader.LogEnd)
        {
            Written = Lsn.Max(Written, written);
        }
        return foreign ? WriteRecording.NotInThisLog : WriteRecording.Recorded;
    }

    /// <summary>Which of <paramref name="lsns"/> (ascending, as a rollback's suffix is) this session wrote, as recorded here.</summary>
    public IReadOnlyList<Lsn> Made(IReadOnlyList<Lsn> lsns)
    {
        if (lsns.Count == 0 || Written < lsns[0])
        {
            return []; // wrote nothing that late: the common case, decided at once
        }
        return [.. lsns.Where(lsn => _recentWrites.Any(w => w.First <= lsn && lsn <= w.Last))];
    }

    /// <summary>Whether this session's recorded write at <paramref name="lsn"/> was made in <paramref name="epoch"/> (or its epoch is not known).</summary>
    public bool MadeIn(Lsn lsn, Epoch epoch) =>
        _recentWrites.Any(w => w.First <= lsn && lsn <= w.Last && (w.Epoch == Epoch.Zero || w.Epoch == epoch));

    /// <summary>Adds a notice unless one for the same entry is known; returns whether it was new.</summary>
    public bool Notify(RollbackNotice notice)
    {
        var known = _notices.FindIndex(n => n.Lsn == notice.Lsn && n.Epoch == notice.Epoch);
        if (known >= 0)
        {
            if (!_notices[known].KeysKnown && notice.KeysKnown)
            {
                // The node that rolled the entry back knew its keys: the notice says them from now on.
                _notices[known] = notice with { Seq = _notices[known].Seq };
            }
            return false;
        }
        _notices.Add(notice with { Seq = ++LatestNotice });
        if (_notices.Count > NoticesMax)
        {
            _notices.RemoveAt(0);
        }
        return true;
    }

    /// <summary>The notices newer than <paramref name="after"/>, oldest first.</summary>
    public IReadOnlyList<RollbackNotice> NoticesAfter(long after) => [.. _notices.Where(n => n.Seq > after)];

    /// <summary>Whether a client naming this session per command has notices it was not told.</summary>
    public bool HasUntoldPerCommand => LatestNotice > _toldPerCommand;

    /// <summary>
    /// The notices not yet told to a client that names this session per command (a read with
    /// <c>SESSION &lt;id&gt;</c>, <c>CHORUS.SESSION WROTE … LSNS</c>, <c>CHORUS.SESSION NOTICES</c>),
    /// oldest first; each is handed out once by this node. Such clients share connections, so the
    /// mark lives with the session, not the connection: whichever of its devices asks first is told.
    /// </summary>
    public IReadOnlyList<RollbackNotice> TakeUntoldPerCommand()
    {
        var untold = NoticesAfter(_toldPerCommand);
        _toldPerCommand = LatestNotice;
        return untold;
    }
}
