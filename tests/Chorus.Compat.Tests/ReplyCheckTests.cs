using Chorus.Compat.Comparison;
using Chorus.Resp;

namespace Chorus.Compat.Tests;

/// <summary>The comparisons the differential run relies on: each accepts what it should and catches a difference.</summary>
public sealed class ReplyCheckTests
{
    private static RespValue Bulks(params string[] items) => RespValue.Array([.. items.Select(RespValue.BulkString)]);

    [Fact]
    public void Exact_catches_any_difference_of_kind_or_value()
    {
        Assert.Null(ReplyChecks.Exact.Compare(RespValue.BulkString("a"), RespValue.BulkString("a")));
        Assert.NotNull(ReplyChecks.Exact.Compare(RespValue.BulkString("a"), RespValue.BulkString("b")));
        Assert.NotNull(ReplyChecks.Exact.Compare(RespValue.BulkString("1"), RespValue.FromInteger(1)));
        Assert.NotNull(ReplyChecks.Exact.Compare(Bulks("a", "b"), Bulks("b", "a")));
    }

    [Fact]
    public void Unordered_ignores_order_but_not_multiplicity()
    {
        Assert.Null(ReplyChecks.Unordered.Compare(Bulks("a", "b", "a"), Bulks("b", "a", "a")));
        Assert.NotNull(ReplyChecks.Unordered.Compare(Bulks("a", "b", "a"), Bulks("b", "a", "b")));
        Assert.NotNull(ReplyChecks.Unordered.Compare(Bulks("a"), Bulks("a", "a")));
        Assert.NotNull(ReplyChecks.Unordered.Compare(Bulks("a", "b"), RespValue.Set(RespValue.BulkString("a"), RespValue.BulkString("b"))));
        Assert.NotNull(ReplyChecks.Unordered.Compare(Bulks(), RespValue.Error("WRONGTYPE")));
    }

    [Fact]
    public void Unordered_pairs_keep_each_field_with_its_value()
    {
        Assert.Null(ReplyChecks.UnorderedPairs.Compare(Bulks("f", "1", "g", "2"), Bulks("g", "2", "f", "1")));
        Assert.NotNull(ReplyChecks.UnorderedPairs.Compare(Bulks("f", "1", "g", "2"), Bulks("f", "2", "g", "1")));
        var map = RespValue.Map(RespValue.BulkString("f"), RespValue.BulkString("1"), RespValue.BulkString("g"), RespValue.BulkString("2"));
        var reordered = RespValue.Map(RespValue.BulkString("g"), RespValue.BulkString("2"), RespValue.BulkString("f"), RespValue.BulkString("1"));
        Assert.Null(ReplyChecks.UnorderedPairs.Compare(map, reordered));
    }

    [Fact]
    public void Times_agree_within_the_tolerance_and_special_values_exactly()
    {
        Assert.Null(ReplyChecks.Seconds.Compare(RespValue.FromInteger(100), RespValue.FromInteger(99)));
        Assert.Null(ReplyChecks.Milliseconds.Compare(RespValue.FromInteger(100_000), RespValue.FromInteger(100_000 - ReplyChecks.TimeToleranceMs)));
        Assert.NotNull(ReplyChecks.Milliseconds.Compare(RespValue.FromInteger(100_000), RespValue.FromInteger(100_000 - ReplyChecks.TimeToleranceMs - 1)));
        Assert.NotNull(ReplyChecks.Seconds.Compare(RespValue.FromInteger(100), RespValue.FromInteger(-1)));
        Assert.NotNull(ReplyChecks.Seconds.Compare(RespValue.FromInteger(-2), RespValue.FromInteger(-1)));
        Assert.NotNull(ReplyChecks.Seconds.Compare(RespValue.FromInteger(1), RespValue.BulkString("1")));
    }

    [Fact]
    public void Follow_up_checks_compare_errors_exactly_before_anything_else()
    {
        var wrongType = RespValue.Error("WRONGTYPE Operation against a key holding the wrong kind of value");
        Assert.Null(PopCheck.Instance.Compare(wrongType, wrongType));
        Assert.NotNull(PopCheck.Instance.Compare(wrongType, RespValue.Null));
        Assert.NotNull(ScanCheck.Instance.Compare(RespValue.Error("ERR syntax error"), RespValue.Error("ERR invalid cursor")));
    }
}
