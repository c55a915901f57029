using Chorus.Simulation.History;
using Chorus.Simulation.Workloads;

namespace Chorus.Simulation.Checkers.Sessions;

/// <summary>
/// The guarantees of a named session shared by several devices (docs/consistency.md,
/// "Cross-device sessions"; DDIA ch. 5: "this metadata will need to be centralized"), judged in
/// real time over list-append histories. A device is a client named <c>&lt;session&gt;.&lt;device&gt;</c>.
/// <list type="bullet">
/// <item>cross-device read-your-writes: a read shows every append any device of its session had
/// completed (acknowledged and recorded) before the read began;</item>
/// <item>cross-device monotonic reads: a read shows everything any read of its session, on any
/// device, had shown before it began — the session never goes back in time.</item>
/// </list>
/// Writes a device could not record (marked by the client) are not the session's to promise.
/// Histories without appends (registers, counters) get "not applicable", as in <see cref="SessionChecker"/>.
/// </summary>
public static class CrossDeviceChecker
{
    public static IReadOnlyList<CheckResult> Check(OperationHistory history)
    {
        var devices = history.Operations.Where(o => SessionOf(o.Client) is not null).ToList();
        if (devices.Count == 0)
        {
            const string Why = "no named sessions (modes failover-named-sessions, named-sessions-eventual have them)";
            return [CheckResult.NotApplicable(CheckNames.CrossDeviceReadYourWrites, Why), CheckResult.NotApplicable(CheckNames.CrossDeviceMonotonicReads, Why)];
        }
        if (!devices.Any(o => o.Kind == OpKind.Append))
        {
            // A register's later value replaces the earlier one instead of extending it, so a read
            // "without" what an earlier read showed is no evidence of going back in time there.
            return [CheckResult.NotApplicable(CheckNames.CrossDeviceReadYourWrites, CheckResult.NeedsListAppend), CheckResult.NotApplicable(CheckNames.CrossDeviceMonotonicReads, CheckResult.NeedsListAppend)];
        }
        var ryw = new List<Violation>();
        var monotonic = new List<Violation>();
        foreach (var session in devices.GroupBy(o => SessionOf(o.Client)!, StringComparer.Ordinal))
        {
            var reads = session.Where(o => o.IsRead && o.Outcome == OpOutcome.Ok).ToList();
            var writes = session.Where(o => o.Kind == OpKind.Append && o.IsAcknowledgedWrite && o.Error is null).ToList();
            ryw.AddRange(ReadYourWrites(session.Key, reads, writes));
            monotonic.AddRange(MonotonicReads(session.Key, reads));
        }
        return [CheckResult.From(CheckNames.CrossDeviceReadYourWrites, ryw), CheckResult.From(CheckNames.CrossDeviceMonotonicReads, monotonic)];
    }

    /// <summary>"s1" for a device named "s1.d2"; null for a client without a named session.</summary>
    public static string? SessionOf(string client)
    {
        var dot = client.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 ? client[..dot] : null;
    }

    private static IEnumerable<Violation> ReadYourWrites(string session, List<Operation> reads, List<Operation> writes)
    {
        foreach (var read in reads)
        {
            for (var k = 0; k < read.Keys.Count && k < read.Values.Count; k++)
            {
                var shown = AppendList.Parse(read.Values[k]).ToHashSet(StringComparer.Ordinal);
                var missed = writes.FirstOrDefault(w => w.Key == read.Keys[k] && w.CompletedUs < read.InvokedUs && !shown.Contains(w.Value!));
                if (missed is not null)
                {
                    yield return new Violation(CheckNames.CrossDeviceReadYourWrites,
                        $"session {session}: {read.Client} does not see {missed.Client}'s completed append {missed.Value} to {missed.Key}: {missed} then {read}", [missed.Id, read.Id]);
                    break;
                }
            }
        }
    }

    private static IEnumerable<Violation> MonotonicReads(string session, List<Operation> reads)
    {
        // One log: every state is a prefix of the next, so the longest list any earlier read showed
        // of a key is everything earlier reads showed of it.
        var byCompletion = reads.OrderBy(r => r.CompletedUs).ToList();
        foreach (var read in reads)
        {
            for (var k = 0; k < read.Keys.Count && k < read.Values.Count; k++)
            {
                var key = read.Keys[k];
                var shown = AppendList.Parse(read.Values[k]).ToHashSet(StringComparer.Ordinal);
                var before = byCompletion.TakeWhile(r => r.CompletedUs < read.InvokedUs).Select(r => (Read: r, List: ListOf(r, key))).ToList();
                if (before.Count == 0)
                {
                    continue;
                }
                var earlier = before.MaxBy(e => e.List.Count);
                if (earlier.List.FirstOrDefault(t => !shown.Contains(t)) is { } lost)
                {
                    yield return new Violation(CheckNames.CrossDeviceMonotonicReads,
                        $"session {session}: {earlier.Read.Client} saw {lost} in {key}, then {read.Client} read an older state without it: {earlier.Read} then {read}", [earlier.Read.Id, read.Id]);
                    break;
                }
            }
        }
    }

    private static IReadOnlyList<string> ListOf(Operation read, string key)
    {
        var k = read.Keys.ToList().IndexOf(key);
        return k >= 0 && k < read.Values.Count ? AppendList.Parse(read.Values[k]) : [];
    }
}
