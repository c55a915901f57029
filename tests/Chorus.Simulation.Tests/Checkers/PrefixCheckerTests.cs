using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Simulation.Checkers;
using Chorus.Simulation.Checkers.Prefix;
using Chorus.Simulation.Nodes;
using Chorus.Simulation.Tests.Support;

namespace Chorus.Simulation.Tests.Checkers;

/// <summary>DDIA ch. 5: a follower's state is always the leader's log applied up to some LSN.</summary>
public sealed class PrefixCheckerTests
{
    private static readonly NodeId Leader = new("n1");

    private static readonly List<LogEntry> Log = LogBuilder.Entries(
        ["SET", "k", "1"], ["SET", "k", "2"], ["APPEND", "l", "a,"], ["APPEND", "l", "b,"], ["SET", "other", "x"]);

    private static AuthoredLog Authored(IEnumerable<LogEntry> entries)
    {
        var authored = new AuthoredLog();
        foreach (var entry in entries)
        {
            authored.Record(Leader, entry);
        }
        return authored;
    }

    [Fact]
    public void A_follower_holding_a_prefix_of_the_leaders_log_passes_as_it_grows()
    {
        var checker = new PrefixChecker(Authored(Log));
        checker.Observe("n2", LogBuilder.Replica(Log[..2]), 0);
        checker.Observe("n2", LogBuilder.Replica(Log[..4]), 1);
        checker.Observe("n2", LogBuilder.Replica(Log), 2);
        checker.Observe("n1", LogBuilder.Replica(Log), 2);
        Assert.Equal(Verdict.Pass, checker.Result().Verdict);
    }

    [Fact]
    public void A_follower_that_rolled_back_and_rebuilt_still_passes()
    {
        var checker = new PrefixChecker(Authored(Log));
        checker.Observe("n2", LogBuilder.Replica(Log[..4]), 0);
        checker.Observe("n2", LogBuilder.Replica(Log[..1]), 1);
        Assert.Equal(Verdict.Pass, checker.Result().Verdict);
    }

    [Fact]
    public void A_follower_that_applied_entries_out_of_order_is_not_a_prefix()
    {
        var checker = new PrefixChecker(Authored(Log));
        checker.Observe("n2", LogBuilder.Replica(Log[..2], applied: [Log[1], Log[0]]), 0);
        var violation = Assert.Single(checker.Result().Violations);
        Assert.Contains("n2's data is not its log applied through lsn 2", violation.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void A_follower_holding_an_entry_the_leader_never_wrote_there_is_not_a_prefix()
    {
        var swapped = LogEntry.Create(Log[0].Position, Log[0].Timestamp, Leader, Log[1].Kind, Log[1].Payload.Span);
        var checker = new PrefixChecker(Authored(Log));
        checker.Observe("n2", LogBuilder.Replica([swapped, Log[1]]), 0);
        var violation = Assert.Single(checker.Result().Violations);
        Assert.Contains("holds at 1:1 an entry the leader never wrote", violation.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_entries_created_at_one_position_are_reported()
    {
        var authored = Authored(Log);
        authored.Record(Leader, LogEntry.Create(Log[2].Position, Log[2].Timestamp, Leader, Log[3].Kind, Log[3].Payload.Span));
        var result = new PrefixChecker(authored).Result();
        Assert.Contains("two different entries at 1:3", Assert.Single(result.Violations).Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_an_entry_created_by_its_writer_is_authoritative()
    {
        var authored = new AuthoredLog();
        authored.Record(new NodeId("n2"), Log[0]); // n2 stores n1's entry: a copy, not an authority
        Assert.Equal(0, authored.Count);
    }
}
