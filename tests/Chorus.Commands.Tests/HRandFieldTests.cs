using Chorus.Resp;
using static Chorus.Commands.Tests.Support.Replies;

namespace Chorus.Commands.Tests;

/// Redis docs and t_hash.c hrandfieldWithCountCommand: count semantics, WITHVALUES shapes, seeded determinism.
public sealed class HRandFieldTests : IDisposable
{
    private readonly CommandHarness _h = new(seed: 7);

    public HRandFieldTests() => _h.Run("HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5");

    public void Dispose() => _h.Dispose();

    [Fact]
    public void Without_a_count_it_replies_one_field_or_nil()
    {
        Assert.Contains(_h.Run("HRANDFIELD", "h").AsString(), new[] { "a", "b", "c", "d", "e" });
        Assert.Equal(Nil, _h.Run("HRANDFIELD", "missing"));
    }

    [Fact]
    public void A_positive_count_gives_distinct_fields_and_at_most_the_whole_hash()
    {
        var three = _h.Run("HRANDFIELD", "h", "3").Texts();
        Assert.Equal(3, three.Distinct().Count());
        Assert.Equal(["a", "b", "c", "d", "e"], _h.Run("HRANDFIELD", "h", "10").Sorted());
    }

    [Fact]
    public void A_negative_count_draws_that_many_times_with_repeats()
    {
        var draws = _h.Run("HRANDFIELD", "h", "-20").Texts();
        Assert.Equal(20, draws.Count);
        Assert.All(draws, d => Assert.Contains(d, new[] { "a", "b", "c", "d", "e" }));
    }

    [Fact]
    public void Withvalues_is_flat_in_resp2_and_nested_pairs_in_resp3()
    {
        var flat = _h.Run("HRANDFIELD", "h", "2", "WITHVALUES");
        Assert.Equal(4, flat.Items.Count);
        Assert.Equal(flat.Items[0].AsString(), LetterFor(flat.Items[1].AsString()!));
        var nested = _h.Run3("HRANDFIELD", "h", "-3", "withvalues");
        Assert.Equal(3, nested.Items.Count);
        Assert.All(nested.Items, pair =>
        {
            Assert.Equal(RespValueKind.Array, pair.Kind);
            Assert.Equal(pair.Items[0].AsString(), LetterFor(pair.Items[1].AsString()!));
        });
    }

    [Fact]
    public void Zero_or_a_missing_key_gives_an_empty_array()
    {
        Assert.Equal(EmptyArray, _h.Run("HRANDFIELD", "h", "0"));
        Assert.Equal(EmptyArray, _h.Run("HRANDFIELD", "missing", "5"));
    }

    [Fact]
    public void Bad_arguments_are_reported_as_redis_does()
    {
        Assert.Equal(Err("ERR syntax error"), _h.Run("HRANDFIELD", "h", "1", "VALUES"));
        Assert.Equal(Err("ERR syntax error"), _h.Run("HRANDFIELD", "h", "1", "WITHVALUES", "x"));
        Assert.Equal(Err("ERR value is not an integer or out of range"), _h.Run("HRANDFIELD", "h", "x"));
        Assert.Equal(Err("ERR value is out of range"), _h.Run("HRANDFIELD", "h", "9223372036854775807", "WITHVALUES"));
        Assert.Equal(
            Err("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"),
            _h.Run("HRANDFIELD", "h", "-9223372036854775808"));
    }

    [Fact]
    public void The_same_seed_gives_the_same_choices()
    {
        using var other = new CommandHarness(seed: 7);
        other.Run("HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5");
        Assert.Equal(_h.Run("HRANDFIELD", "h", "-10"), other.Run("HRANDFIELD", "h", "-10"));
        Assert.Equal(_h.Run("HRANDFIELD", "h", "3"), other.Run("HRANDFIELD", "h", "3"));
    }

    private static string LetterFor(string digit) => ((char)('a' + int.Parse(digit, System.Globalization.CultureInfo.InvariantCulture) - 1)).ToString();
}
