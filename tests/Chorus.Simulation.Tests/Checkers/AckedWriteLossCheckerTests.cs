using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Node;
using Chorus.Simulation.Checkers;
using Chorus.Simulation.History;
using Chorus.Simulation.Tests.Support;
using static Chorus.Simulation.Tests.Support.HistoryBuilder;

namespace Chorus.Simulation.Tests.Checkers;

public sealed class AckedWriteLossCheckerTests
{
    private static CheckResult Check(HistoryBuilder history, Dictionary<string, string?> final, params RollbackRecord[] rollbacks) =>
        AckedWriteLossChecker.Check(history.Build(), final, rollbacks);

    [Fact]
    public void Every_acknowledged_append_in_the_final_list_passes()
    {
        var h = new HistoryBuilder();
        h.Append("c1", "k", "a", 0, 1);
        h.Append("c2", "k", "b", 0, 1);
        Assert.Equal(Verdict.Pass, Check(h, new() { ["k"] = List("b", "a") }).Verdict);
    }

    [Fact]
    public void An_acknowledged_append_missing_from_the_final_state_is_lost()
    {
        var h = new HistoryBuilder();
        h.Append("c1", "k", "a", 0, 1);
        var lost = h.Append("c2", "k", "b", 2, 3);
        var result = Check(h, new() { ["k"] = List("a") });
        Assert.Equal([lost.Id], Assert.Single(result.Violations).Operations);
    }

    [Fact]
    public void Writes_that_were_never_acknowledged_may_be_missing()
    {
        var h = new HistoryBuilder();
        h.Append("c1", "k", "a", 0, 1, OpOutcome.Indeterminate);
        h.Append("c1", "k", "b", 2, 3, OpOutcome.Failed);
        Assert.Equal(Verdict.Pass, Check(h, new() { ["k"] = null }).Verdict);
    }

    /// DDIA ch. 5, "Leader failure": discarded writes must not vanish silently. Lost is lost, but the report says where it went.
    [Fact]
    public void A_lost_write_found_in_a_rollback_record_is_reported_as_rolled_back()
    {
        var position = new LogPosition(new Epoch(1), new Lsn(7));
        var h = new HistoryBuilder();
        h.Append("c1", "k", "a", 0, 1, at: position);
        var entry = LogEntry.Create(position, HlcTimestamp.From(1, 0), new NodeId("n1"), PayloadKind.Noop, []);
        var record = new RollbackRecord(new NodeId("n2"), new Epoch(2), new Lsn(6), 0, [entry]);

        var recorded = Check(h, new() { ["k"] = null }, record);
        var silent = Check(h, new() { ["k"] = null });

        Assert.EndsWith("rolled back into n2's rollback record", Assert.Single(recorded.Violations).Description, StringComparison.Ordinal);
        Assert.Equal("1 of the lost writes are in rollback records, 0 are not", recorded.Note);
        Assert.EndsWith("lost without a trace", Assert.Single(silent.Violations).Description, StringComparison.Ordinal);
    }

    [Fact]
    public void A_counter_below_its_acknowledged_increments_lost_some()
    {
        var h = new HistoryBuilder();
        h.Increment("c1", "n", 1, 0, 1);
        h.Increment("c1", "n", 2, 2, 3);
        h.Increment("c1", "n", 3, 4, 5);
        h.Increment("c1", "n", null, 6, 7, OpOutcome.Indeterminate);
        Assert.Equal(Verdict.Fail, Check(h, new() { ["n"] = "2" }).Verdict);
        Assert.Equal(Verdict.Pass, Check(h, new() { ["n"] = "3" }).Verdict);
        Assert.Equal(Verdict.Pass, Check(h, new() { ["n"] = "4" }).Verdict);
    }

    [Fact]
    public void A_register_left_at_a_value_overwritten_by_a_later_acknowledged_write_lost_it()
    {
        var h = new HistoryBuilder();
        h.Write("c1", "r", "old", 0, 1);
        var later = h.Write("c1", "r", "new", 2, 3);
        var result = Check(h, new() { ["r"] = "old" });
        Assert.Equal([later.Id], Assert.Single(result.Violations).Operations);
        Assert.Equal(Verdict.Pass, Check(h, new() { ["r"] = "new" }).Verdict);
    }

    [Fact]
    public void Concurrent_register_writes_may_end_either_way()
    {
        var h = new HistoryBuilder();
        h.Write("c1", "r", "x", 0, 5);
        h.Write("c2", "r", "y", 1, 6);
        Assert.Equal(Verdict.Pass, Check(h, new() { ["r"] = "x" }).Verdict);
        Assert.Equal(Verdict.Pass, Check(h, new() { ["r"] = "y" }).Verdict);
        Assert.Equal(Verdict.Fail, Check(h, new() { ["r"] = "never-written" }).Verdict);
    }

    /// failover-async reports lost acknowledged writes in two buckets: kept in a rollback record, or gone without a trace.
    [Fact]
    public void Lost_writes_are_counted_by_whether_a_rollback_record_kept_them()
    {
        var h = new HistoryBuilder();
        h.Append("c1", "k", "a", 0, 1, at: new LogPosition(new Epoch(1), new Lsn(1)));
        h.Append("c2", "k", "b", 2, 3, at: new LogPosition(new Epoch(1), new Lsn(2)));
        h.Append("c3", "k", "c", 4, 5, at: new LogPosition(new Epoch(1), new Lsn(3)));
        var record = new RollbackRecord(new NodeId("n1"), new Epoch(2), new Lsn(1), 6, LogBuilder.Entries(["APPEND", "k", "a"], ["APPEND", "k", "b"]).Skip(1).ToList());
        var result = Check(h, new() { ["k"] = List("a") }, record);
        Assert.Equal(2, result.Violations.Count);
        Assert.Equal(1, result.Counts[AckedWriteLossChecker.RolledBack]);
        Assert.Equal(1, result.Counts[AckedWriteLossChecker.Untraced]);
    }
}
