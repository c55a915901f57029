using Chorus.Commands.Logical;
using Chorus.Resp;
using static Chorus.Commands.Tests.Support.Replies;

namespace Chorus.Commands.Tests;

/// Redis docs and t_set.c spopWithCountCommand / srandmemberWithCountCommand: counts, reply shapes, determinism.
public sealed class RandomSetMemberTests : IDisposable
{
    private static readonly string[] Members = ["a", "b", "c", "d", "e", "f", "g", "h"];

    private readonly CommandHarness _h = new(seed: 3);

    public RandomSetMemberTests() => _h.Run(["SADD", "s", .. Members]);

    public void Dispose() => _h.Dispose();

    [Fact]
    public void Spop_removes_and_returns_one_member()
    {
        var popped = _h.Run("SPOP", "s").AsString()!;
        var change = Assert.IsType<SetChange>(Assert.Single(_h.LastChanges));
        Assert.Equal(popped, System.Text.Encoding.UTF8.GetString(Assert.Single(change.Members).Member));
        Assert.Contains(popped, Members);
        Assert.Equal(Int(0), _h.Run("SISMEMBER", "s", popped));
    }

    [Fact]
    public void Spop_with_a_count_logs_exactly_the_members_it_returned()
    {
        var popped = _h.Run("SPOP", "s", "3");
        Assert.Equal(3, popped.Items.Count);
        var change = Assert.IsType<SetChange>(Assert.Single(_h.LastChanges));
        Assert.Equal(popped.Texts(), change.Members.Select(m => System.Text.Encoding.UTF8.GetString(m.Member)).ToList<string?>());
        Assert.Equal(Int(5), _h.Run("SCARD", "s"));
    }

    [Fact]
    public void Spop_of_the_whole_set_deletes_the_key()
    {
        Assert.Equal(Members, _h.Run("SPOP", "s", "100").Sorted());
        Assert.Equal(Members.Length, Assert.IsType<SetChange>(Assert.Single(_h.LastChanges)).Members.Count);
        Assert.Equal(Int(0), _h.Run("EXISTS", "s"));
    }

    [Fact]
    public void Spop_of_the_last_member_deletes_the_key()
    {
        _h.Run("SADD", "one", "x");
        Assert.Equal(Bulk("x"), _h.Run("SPOP", "one"));
        Assert.IsType<SetChange>(Assert.Single(_h.LastChanges));
    }

    [Fact]
    public void Spop_with_a_count_replies_with_a_set_in_resp3()
    {
        Assert.Equal(RespValueKind.Set, _h.Run3("SPOP", "s", "2").Kind);
        Assert.Equal(RespValue.Set(), _h.Run3("SPOP", "s", "0"));
        Assert.Null(_h.LastPayload);
        Assert.Equal(RespValue.Set(), _h.Run3("SPOP", "missing", "2"));
        Assert.Equal(Nil, _h.Run("SPOP", "missing"));
    }

    [Fact]
    public void Spop_rejects_negative_counts_and_extra_arguments()
    {
        Assert.Equal(Err("ERR value is out of range, must be positive"), _h.Run("SPOP", "s", "-1"));
        // Redis's getPositiveLongFromObjectOrReply: one error for text and negatives (found by the differential tests).
        Assert.Equal(Err("ERR value is out of range, must be positive"), _h.Run("SPOP", "s", "x"));
        Assert.Equal(Err("ERR syntax error"), _h.Run("SPOP", "s", "1", "2"));
        Assert.Equal(Int(8), _h.Run("SCARD", "s"));
    }

    [Fact]
    public void Spop_with_the_same_seed_pops_the_same_members()
    {
        using var other = new CommandHarness(seed: 3);
        other.Run(["SADD", "s", .. Members]);
        Assert.Equal(_h.Run("SPOP", "s", "3"), other.Run("SPOP", "s", "3"));
        Assert.Equal(_h.Run("SPOP", "s"), other.Run("SPOP", "s"));
    }

    [Fact]
    public void Srandmember_without_a_count_returns_a_member_and_changes_nothing()
    {
        Assert.Contains(_h.Run("SRANDMEMBER", "s").AsString(), Members);
        Assert.Equal(Int(8), _h.Run("SCARD", "s"));
        Assert.Equal(Nil, _h.Run("SRANDMEMBER", "missing"));
    }

    [Fact]
    public void Srandmember_positive_counts_are_distinct_and_capped_at_the_set_size()
    {
        var five = _h.Run("SRANDMEMBER", "s", "5").Texts();
        Assert.Equal(5, five.Distinct().Count());
        Assert.Equal(Members, _h.Run("SRANDMEMBER", "s", "8").Sorted());
        Assert.Equal(Members, _h.Run("SRANDMEMBER", "s", "50").Sorted());
    }

    [Fact]
    public void Srandmember_negative_counts_repeat_members()
    {
        var draws = _h.Run("SRANDMEMBER", "s", "-30").Texts();
        Assert.Equal(30, draws.Count);
        Assert.True(draws.Distinct().Count() < 30);
        Assert.All(draws, d => Assert.Contains(d, Members));
    }

    [Fact]
    public void Srandmember_replies_with_an_array_even_in_resp3()
    {
        Assert.Equal(RespValueKind.Array, _h.Run3("SRANDMEMBER", "s", "2").Kind);
        Assert.Equal(EmptyArray, _h.Run3("SRANDMEMBER", "s", "0"));
        Assert.Equal(EmptyArray, _h.Run("SRANDMEMBER", "missing", "-3"));
    }

    [Fact]
    public void Srandmember_rejects_counts_out_of_range()
    {
        Assert.Equal(
            Err("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"),
            _h.Run("SRANDMEMBER", "s", "-9223372036854775808"));
        Assert.Equal(
            Err("ERR value is out of range, value must between -16777216 and 9223372036854775807"),
            _h.Run("SRANDMEMBER", "s", "-16777217"));
        Assert.Equal(Err("ERR syntax error"), _h.Run("SRANDMEMBER", "s", "1", "2"));
    }

    [Fact]
    public void Srandmember_with_the_same_seed_draws_the_same_members()
    {
        using var other = new CommandHarness(seed: 3);
        other.Run(["SADD", "s", .. Members]);
        Assert.Equal(_h.Run("SRANDMEMBER", "s", "-10"), other.Run("SRANDMEMBER", "s", "-10"));
        Assert.Equal(_h.Run("SRANDMEMBER", "s", "4"), other.Run("SRANDMEMBER", "s", "4"));
    }
}
