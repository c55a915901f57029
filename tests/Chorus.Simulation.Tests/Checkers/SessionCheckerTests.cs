using Chorus.Simulation.Checkers;
using Chorus.Simulation.Checkers.Sessions;
using Chorus.Simulation.History;
using Chorus.Simulation.Tests.Support;
using static Chorus.Simulation.Tests.Support.HistoryBuilder;

namespace Chorus.Simulation.Tests.Checkers;

/// <summary>
/// The session guarantees over hand-made list-append histories, with the anomalies DDIA
/// chapter 5 draws ("Problems with Replication Lag") and histories that must pass.
/// </summary>
public sealed class SessionCheckerTests
{
    private static Dictionary<string, CheckResult> Check(HistoryBuilder history) =>
        SessionChecker.Check(history.Build()).ToDictionary(r => r.Check);

    private static void AssertOnlyViolated(Dictionary<string, CheckResult> results, params string[] violated)
    {
        foreach (var (check, result) in results)
        {
            Assert.True(
                violated.Contains(check) == (result.Verdict == Verdict.Fail),
                $"{check}: {result.Verdict} {string.Join("; ", result.Violations)}");
        }
    }

    /// DDIA ch. 5, Figure 5-3: a user makes a write, then reads from a stale replica — the lost comment.
    [Fact]
    public void The_lost_comment_violates_read_your_writes()
    {
        var h = new HistoryBuilder();
        h.Append("user", "comments", "my-comment", 0, 1);
        h.Read("user", "comments", null, 2, 3, node: "n2");
        var results = Check(h);
        AssertOnlyViolated(results, CheckNames.ReadYourWrites);
        Assert.Contains("my-comment", results[CheckNames.ReadYourWrites].Violations[0].Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Seeing_your_own_comment_passes_even_if_others_lag()
    {
        var h = new HistoryBuilder();
        h.Append("other", "comments", "older", 0, 1);
        h.Append("user", "comments", "my-comment", 2, 3);
        h.Read("user", "comments", List("older", "my-comment"), 4, 5);
        h.Read("other", "comments", List("older"), 4, 5, node: "n3"); // another session may lag
        AssertOnlyViolated(Check(h));
    }

    /// DDIA ch. 5, Figure 5-4: a user reads from a fresh replica, then from a lagging one — time moving backwards.
    [Fact]
    public void Time_moving_backwards_violates_monotonic_reads()
    {
        var h = new HistoryBuilder();
        h.Append("writer", "comments", "c1", 0, 1);
        h.Read("reader", "comments", List("c1"), 2, 3, node: "n2");
        h.Read("reader", "comments", null, 4, 5, node: "n3");
        var results = Check(h);
        AssertOnlyViolated(results, CheckNames.MonotonicReads);
        Assert.Contains("older state", results[CheckNames.MonotonicReads].Violations[0].Description, StringComparison.Ordinal);
    }

    /// DDIA ch. 5, Figure 5-5: an observer sees Mrs. Cake's answer but not Mr. Poons' question, which she had read.
    [Fact]
    public void The_answer_before_the_question_violates_consistent_prefix_and_writes_follow_reads()
    {
        var h = new HistoryBuilder();
        string[] both = ["question", "answer"];
        h.Append("poons", "question", "how-far-can-you-see", 0, 1);
        h.MultiRead("cake", both, [List("how-far-can-you-see"), null], 2, 3);
        h.Append("cake", "answer", "about-ten-seconds", 4, 5);
        h.MultiRead("observer", both, [null, List("about-ten-seconds")], 6, 7, node: "n3");
        var results = Check(h);
        AssertOnlyViolated(results, CheckNames.ConsistentPrefix, CheckNames.WritesFollowReads);
        Assert.Contains("no single order", results[CheckNames.ConsistentPrefix].Violations[0].Description, StringComparison.Ordinal);
    }

    [Fact]
    public void A_session_whose_later_write_is_seen_without_its_earlier_one_violates_monotonic_writes()
    {
        var h = new HistoryBuilder();
        string[] both = ["a", "b"];
        h.Append("c1", "a", "first", 0, 1);
        h.Append("c1", "b", "second", 2, 3);
        h.MultiRead("c2", both, [null, List("second")], 4, 5);
        AssertOnlyViolated(Check(h), CheckNames.MonotonicWrites);
    }

    [Fact]
    public void Writes_of_one_session_in_the_wrong_order_within_a_key_violate_monotonic_writes()
    {
        var h = new HistoryBuilder();
        h.Append("c1", "k", "first", 0, 1);
        h.Append("c1", "k", "second", 2, 3);
        h.Read("c2", "k", List("second", "first"), 4, 5);
        Assert.Equal(Verdict.Fail, Check(h)[CheckNames.MonotonicWrites].Verdict);
    }

    [Fact]
    public void Two_reads_that_disagree_on_a_list_violate_consistent_prefix()
    {
        var h = new HistoryBuilder();
        h.Append("c1", "k", "a", 0, 10);
        h.Append("c2", "k", "b", 0, 10);
        h.Read("c3", "k", List("a", "b"), 11, 12);
        h.Read("c4", "k", List("b", "a"), 11, 12);
        Assert.Equal(Verdict.Fail, Check(h)[CheckNames.ConsistentPrefix].Verdict);
    }

    /// Asynchronous followers lag, but each holds a prefix of the leader's log: only read-your-writes and monotonic reads can break.
    [Fact]
    public void Lagging_but_prefix_consistent_reads_break_only_read_your_writes_and_monotonic_reads()
    {
        var h = new HistoryBuilder();
        string[] keys = ["a", "b"];
        h.Append("c1", "a", "x1", 0, 1);
        h.Append("c1", "b", "y1", 2, 3);
        h.MultiRead("c1", keys, [List("x1"), null], 4, 5, node: "n2");        // own y1 missing
        h.MultiRead("c2", keys, [List("x1"), List("y1")], 6, 7, node: "n1");
        h.MultiRead("c2", keys, [List("x1"), null], 8, 9, node: "n3");        // went back in time
        h.MultiRead("c3", keys, [null, null], 8, 9, node: "n3");
        AssertOnlyViolated(Check(h), CheckNames.ReadYourWrites, CheckNames.MonotonicReads);
    }

    [Fact]
    public void An_unacknowledged_write_need_not_be_seen()
    {
        var h = new HistoryBuilder();
        h.Append("c1", "k", "maybe", 0, 1, OpOutcome.Indeterminate);
        h.Read("c1", "k", null, 2, 3);
        AssertOnlyViolated(Check(h));
    }

    [Fact]
    public void Histories_without_appends_are_not_applicable()
    {
        var h = new HistoryBuilder();
        h.Write("c1", "r", "v", 0, 1);
        h.Read("c1", "r", "v", 2, 3);
        Assert.All(Check(h).Values, r => Assert.Equal(Verdict.NotApplicable, r.Verdict));
    }
}
