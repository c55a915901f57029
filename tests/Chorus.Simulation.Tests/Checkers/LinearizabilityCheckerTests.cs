using Chorus.Simulation.Checkers;
using Chorus.Simulation.Checkers.Linearizability;
using Chorus.Simulation.History;
using Chorus.Simulation.Tests.Support;
using static Chorus.Simulation.Tests.Support.HistoryBuilder;

namespace Chorus.Simulation.Tests.Checkers;

/// <summary>The Wing–Gong search over hand-made histories: what must pass, what must fail, and an honest "unknown".</summary>
public sealed class LinearizabilityCheckerTests
{
    private static CheckResult Check(HistoryBuilder history, SearchBudget? budget = null) =>
        new LinearizabilityChecker(budget).Check(history.Build());

    [Fact]
    public void Sequential_register_operations_are_linearizable()
    {
        var h = new HistoryBuilder();
        h.Read("c1", "x", null, 0, 1);
        h.Write("c1", "x", "a", 2, 3);
        h.Read("c2", "x", "a", 4, 5);
        h.Write("c2", "x", "b", 6, 7);
        h.Read("c1", "x", "b", 8, 9);
        Assert.Equal(Verdict.Pass, Check(h).Verdict);
    }

    /// DDIA ch. 9's stale read: after the write completed, a read returns the old value.
    [Fact]
    public void A_read_that_misses_a_completed_write_is_not_linearizable()
    {
        var h = new HistoryBuilder();
        h.Write("c1", "x", "a", 0, 1);
        h.Write("c1", "x", "b", 2, 3);
        var stale = h.Read("c2", "x", "a", 4, 5, node: "n2");
        var result = Check(h);
        Assert.Equal(Verdict.Fail, result.Verdict);
        var violation = Assert.Single(result.Violations);
        Assert.Contains("x (register", violation.Description, StringComparison.Ordinal);
        Assert.Contains(stale.Id, violation.Operations);
    }

    [Fact]
    public void A_read_concurrent_with_a_write_may_return_either_value()
    {
        foreach (var seen in new[] { "a", "b" })
        {
            var h = new HistoryBuilder();
            h.Write("c1", "x", "a", 0, 1);
            h.Write("c1", "x", "b", 2, 10);
            h.Read("c2", "x", seen, 3, 4);
            Assert.Equal(Verdict.Pass, Check(h).Verdict);
        }
    }

    [Fact]
    public void Once_a_read_returned_the_new_value_a_later_read_cannot_return_the_old_one()
    {
        var h = new HistoryBuilder();
        h.Write("c1", "x", "a", 0, 1);
        h.Write("c1", "x", "b", 2, 20);
        h.Read("c2", "x", "b", 3, 4);
        h.Read("c3", "x", "a", 5, 6);
        Assert.Equal(Verdict.Fail, Check(h).Verdict);
    }

    [Fact]
    public void An_indeterminate_write_may_take_effect_late_or_never()
    {
        foreach (var seen in new[] { "a", "b" })
        {
            var h = new HistoryBuilder();
            h.Write("c1", "x", "a", 0, 1);
            h.Write("c2", "x", "b", 2, 3, OpOutcome.Indeterminate);
            h.Read("c3", "x", seen, 50, 51);
            h.Read("c3", "x", "b", 60, 61);
            Assert.Equal(Verdict.Pass, Check(h).Verdict);
        }
    }

    [Fact]
    public void A_failed_write_never_takes_effect()
    {
        var h = new HistoryBuilder();
        h.Write("c1", "x", "a", 0, 1);
        h.Write("c2", "x", "b", 2, 3, OpOutcome.Failed);
        h.Read("c3", "x", "b", 4, 5);
        Assert.Equal(Verdict.Fail, Check(h).Verdict);
    }

    [Fact]
    public void Two_set_nx_cannot_both_win()
    {
        var h = new HistoryBuilder();
        h.SetIfAbsent("c1", "x", "a", applied: true, 0, 10);
        h.SetIfAbsent("c2", "x", "b", applied: true, 1, 11);
        Assert.Equal(Verdict.Fail, Check(h).Verdict);

        var ok = new HistoryBuilder();
        ok.SetIfAbsent("c1", "x", "a", applied: true, 0, 10);
        ok.SetIfAbsent("c2", "x", "b", applied: false, 1, 11);
        ok.Read("c2", "x", "a", 12, 13);
        Assert.Equal(Verdict.Pass, Check(ok).Verdict);
    }

    [Fact]
    public void Appends_must_be_seen_in_one_order_that_matches_their_replies()
    {
        var h = new HistoryBuilder();
        h.Append("c1", "l", "a", 0, 10, length: 2);
        h.Append("c2", "l", "b", 1, 11, length: 4);
        h.Read("c3", "l", List("a", "b"), 12, 13);
        Assert.Equal(Verdict.Pass, Check(h).Verdict);

        var wrong = new HistoryBuilder();
        wrong.Append("c1", "l", "a", 0, 10, length: 2);
        wrong.Append("c2", "l", "b", 1, 11, length: 4);
        wrong.Read("c3", "l", List("b", "a"), 12, 13); // b returned length 4, so it went second
        Assert.Equal(Verdict.Fail, Check(wrong).Verdict);
    }

    [Fact]
    public void Counters_count_every_acknowledged_increment()
    {
        var h = new HistoryBuilder();
        h.Increment("c1", "n", 1, 0, 1);
        h.Increment("c2", "n", 2, 2, 3);
        h.Read("c3", "n", "2", 4, 5);
        Assert.Equal(Verdict.Pass, Check(h).Verdict);

        var lost = new HistoryBuilder();
        lost.Increment("c1", "n", 1, 0, 1);
        lost.Increment("c2", "n", 2, 2, 3);
        lost.Read("c3", "n", "1", 4, 5);
        Assert.Equal(Verdict.Fail, Check(lost).Verdict);
    }

    [Fact]
    public void Keys_are_checked_separately_and_a_violation_names_its_key()
    {
        var h = new HistoryBuilder();
        h.Write("c1", "good", "a", 0, 1);
        h.Read("c2", "good", "a", 2, 3);
        h.Write("c1", "bad", "a", 0, 1);
        h.Write("c1", "bad", "b", 2, 3);
        h.Read("c2", "bad", "a", 4, 5);
        var violation = Assert.Single(Check(h).Violations);
        Assert.StartsWith("bad ", violation.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void An_mget_counts_as_a_read_of_each_key()
    {
        var h = new HistoryBuilder();
        h.Write("c1", "x", "a", 0, 1);
        h.Write("c1", "y", "b", 2, 3);
        h.MultiRead("c2", ["x", "y"], ["a", null], 4, 5);
        Assert.Equal(Verdict.Fail, Check(h).Verdict);
    }

    [Fact]
    public void A_search_over_budget_answers_unknown_not_pass()
    {
        var h = new HistoryBuilder();
        for (var i = 0; i < 12; i++)
        {
            h.Write($"c{i}", "x", $"v{i}", 0, 100); // all concurrent: many orders to try
        }
        h.Read("c99", "x", "nobody-wrote-this", 200, 201);
        var result = Check(h, new SearchBudget(StatesMax: 50));
        Assert.Equal(Verdict.Unknown, result.Verdict);
        Assert.Equal(1, result.Unknowns);
        Assert.Contains("budget", result.Note, StringComparison.Ordinal);
        Assert.Equal(Verdict.Fail, Check(h).Verdict); // with the default budget the answer is known
    }

    /// Timed-out appends nobody ever read would each double the search; left out, the verdicts come at once.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Unobserved_indeterminate_appends_do_not_blow_up_the_search(bool stale)
    {
        var h = new HistoryBuilder();
        h.Append("c0", "l", "seen", 0, 1, length: 5);
        for (var i = 1; i <= 40; i++)
        {
            h.Append($"c{i}", "l", $"lost{i}", i, i + 1, OpOutcome.Indeterminate);
        }
        h.Read("c99", "l", stale ? null : List("seen"), 102, 103);
        Assert.Equal(stale ? Verdict.Fail : Verdict.Pass, Check(h, new SearchBudget(StatesMax: 10_000)).Verdict);
    }
}
