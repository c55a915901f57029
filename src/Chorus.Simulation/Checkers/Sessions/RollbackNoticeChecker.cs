using Chorus.Simulation.History;
using Chorus.Simulation.Nodes;

namespace Chorus.Simulation.Checkers.Sessions;

/// <summary>
/// Lost writes told to the session (docs/consistency.md): every acknowledged, recorded write of a
/// named session that was lost — a node rolled it back, and the final history does not hold it —
/// produced a notice for that session: from the node that recorded it and rolled it back, or from
/// a leader that judged it by (epoch, LSN) among the device's pending writes. Each unnoticed one is
/// a violation; the counts say which way it was lost: a node restarted between recording and
/// rolling back (its session table is in memory), or only nodes that had not recorded it rolled it
/// back (its leader lost it in a power loss under fsync everysec) — the two ways that were documented
/// limits before devices carried their pending writes.
/// </summary>
public static class RollbackNoticeChecker
{
    public const string Recorded = "session-writes-recorded";
    public const string NotRecorded = "session-writes-not-recorded";
    public const string RolledBack = "session-writes-rolled-back";
    public const string Noticed = "noticed";
    public const string LostInRestart = "record-lost-in-restart";
    public const string RecorderDidNotRollBack = "recorder-did-not-roll-back";
    public const string RolledBackButKept = "rolled-back-but-kept";

    /// <param name="finalLog">The epoch of the entry the final leader's log holds at an LSN (null: not held).</param>
    public static CheckResult Check(OperationHistory history, SessionLedger ledger, Func<Chorus.Core.Lsn, Chorus.Core.Epoch?>? finalLog = null)
    {
        var writes = history.Operations
            .Where(o => o.IsAcknowledgedWrite && o.Error is null && o.WrittenAt is not null && CrossDeviceChecker.SessionOf(o.Client) is not null)
            .ToLookup(o => (o.WrittenAt!.Value.Lsn, o.WrittenAt!.Value.Epoch));
        if (!history.Operations.Any(o => CrossDeviceChecker.SessionOf(o.Client) is not null))
        {
            return CheckResult.NotApplicable(CheckNames.RollbackNotices, "no named sessions");
        }
        var violations = new List<Violation>();
        long rolledBack = 0, noticed = 0, restarted = 0, elsewhere = 0, kept = 0;
        // Per write: a write rolled back on several nodes (the old leader, and followers that had
        // it) needs one notice — from the node that recorded it, if that node rolled it back.
        var rollbacksOf = ledger.Rollbacks
            .SelectMany(r => r.Record.Entries.Select(e => (Key: (e.Lsn, e.Epoch), r.Node, r.Incarnation)))
            .ToLookup(r => r.Key);
        foreach (var group in writes)
        {
            var rollbacks = rollbacksOf[group.Key].ToList();
            if (rollbacks.Count == 0)
            {
                continue;
            }
            var (lsn, epoch) = group.Key;
            if (finalLog?.Invoke(lsn) == epoch)
            {
                // A node rolled the entry back (it truncated to an earlier point than it had to and
                // received the entry again, or another node kept it), but the final history holds
                // the write: it was not lost, and no notice is due.
                kept += group.Count();
                continue;
            }
            foreach (var write in group)
            {
                rolledBack++;
                var session = CrossDeviceChecker.SessionOf(write.Client)!;
                if (ledger.WasNoticed(session, lsn, epoch))
                {
                    noticed++;
                    continue;
                }
                var recorded = ledger.RecordedGroups.Where(g => g.Session == session && g.Made.First <= lsn && lsn <= g.Made.Last).ToList();
                if (recorded.Any(g => rollbacks.Any(r => r.Node == g.Node && r.Incarnation == g.Incarnation)))
                {
                    violations.Add(new Violation(CheckNames.RollbackNotices,
                        $"{write} (LSN {lsn}, epoch {epoch}) was recorded for session {session} by a node that then rolled it back, and no notice was produced", [write.Id]));
                }
                else if (recorded.Any(g => rollbacks.Any(r => r.Node == g.Node)))
                {
                    restarted++;
                    violations.Add(new Violation(CheckNames.RollbackNotices,
                        $"{write} (LSN {lsn}, epoch {epoch}) of session {session} was lost (its recording node restarted before rolling it back), and no leader judged it lost from the device's pending writes", [write.Id]));
                }
                else
                {
                    elsewhere++;
                    violations.Add(new Violation(CheckNames.RollbackNotices,
                        $"{write} (LSN {lsn}, epoch {epoch}) of session {session} was lost (rolled back only by nodes that had not recorded it), and no leader judged it lost from the device's pending writes", [write.Id]));
                }
            }
        }
        return CheckResult.From(CheckNames.RollbackNotices, violations) with
        {
            Counts = new Dictionary<string, long>(StringComparer.Ordinal)
            {
                [Recorded] = writes.Sum(w => w.Count()),
                [NotRecorded] = history.Operations.Count(o => o.IsAcknowledgedWrite && o.Error is not null && CrossDeviceChecker.SessionOf(o.Client) is not null),
                [RolledBack] = rolledBack,
                [Noticed] = noticed,
                [LostInRestart] = restarted,
                [RecorderDidNotRollBack] = elsewhere,
                [RolledBackButKept] = kept,
            },
        };
    }
}
