using System.Text;
using Chorus.Commands.Data.Keys;

namespace Chorus.Commands.Tests;

/// Redis util.c stringmatchlen: the glob rules KEYS and SCAN MATCH use, edge cases included.
public sealed class GlobPatternTests
{
    [Theory]
    [InlineData("*", "anything", true)]
    [InlineData("h?llo", "hello", true)]
    [InlineData("h?llo", "hllo", false)]
    [InlineData("h*llo", "hllo", true)]
    [InlineData("h*llo", "heeeello", true)]
    [InlineData("h[ae]llo", "hello", true)]
    [InlineData("h[ae]llo", "hillo", false)]
    [InlineData("h[^e]llo", "hallo", true)]
    [InlineData("h[^e]llo", "hello", false)]
    [InlineData("h[a-b]llo", "hbllo", true)]
    [InlineData("h[a-b]llo", "hcllo", false)]
    [InlineData("h[b-a]llo", "hallo", true)]
    [InlineData("h\\*llo", "h*llo", true)]
    [InlineData("h\\*llo", "hello", false)]
    [InlineData("h[\\]]llo", "h]llo", true)]
    [InlineData("a*b*c", "aXXbYYc", true)]
    [InlineData("a*b*c", "aXXbYY", false)]
    [InlineData("abc", "ABC", false)]
    [InlineData("", "", true)]
    [InlineData("", "a", false)]
    [InlineData("a", "", false)]
    [InlineData("a*", "a", true)]
    [InlineData("a**", "a", true)]
    [InlineData("trailing\\", "trailing\\", true)]
    public void Matches_like_redis(string pattern, string text, bool expected)
    {
        Assert.Equal(expected, IsMatch(pattern, text));
    }

    [Fact]
    public void A_star_does_not_match_an_empty_string_as_in_redis()
    {
        Assert.False(IsMatch("*", ""));
        Assert.False(IsMatch("**", ""));
    }

    [Theory]
    [InlineData("[abc", "c", true)]
    [InlineData("[abc", "d", false)]
    [InlineData("x[ab", "xb", true)]
    [InlineData("[", "a", false)]
    [InlineData("[^", "a", true)]
    [InlineData("[]", "a", false)]
    public void An_unclosed_class_runs_to_the_end_of_the_pattern(string pattern, string text, bool expected)
    {
        Assert.Equal(expected, IsMatch(pattern, text));
    }

    [Fact]
    public void Ranges_compare_bytes_as_signed_c_chars()
    {
        // [a-\xff] is [-1, 97] once signed: 0xFF and 0x00-'a' are in it; 0x90 (-112) and 'b' are not.
        byte[] pattern = [(byte)'[', (byte)'a', (byte)'-', 0xFF, (byte)']'];
        Assert.True(GlobPattern.IsMatch(pattern, [0xFF]));
        Assert.True(GlobPattern.IsMatch(pattern, "A"u8));
        Assert.False(GlobPattern.IsMatch(pattern, [0x90]));
        Assert.False(GlobPattern.IsMatch(pattern, "b"u8));
    }

    [Fact]
    public void Binary_keys_match_byte_for_byte()
    {
        Assert.True(GlobPattern.IsMatch([0, (byte)'*', 0xFF], [0, 1, 2, 0xFF]));
        Assert.False(GlobPattern.IsMatch([0, (byte)'?'], [1, 1]));
    }

    [Fact]
    public void Ignore_case_folds_ascii_letters_and_ranges()
    {
        Assert.True(GlobPattern.IsMatch("h[A-C]llo"u8, "HbLLO"u8, ignoreCase: true));
        Assert.False(GlobPattern.IsMatch("h[A-C]llo"u8, "HbLLO"u8));
    }

    [Fact]
    public void Patterns_with_many_stars_fail_fast_instead_of_backtracking_exponentially()
    {
        var pattern = string.Concat(Enumerable.Repeat("a*", 30)) + "b";
        var text = new string('a', 200);
        Assert.False(IsMatch(pattern, text));
    }

    [Fact]
    public void Nesting_beyond_a_thousand_stars_never_matches()
    {
        var pattern = string.Concat(Enumerable.Repeat("a*", 1100));
        Assert.False(IsMatch(pattern, new string('a', 1100)));
        Assert.True(IsMatch(string.Concat(Enumerable.Repeat("a*", 900)), new string('a', 900)));
    }

    private static bool IsMatch(string pattern, string text) =>
        GlobPattern.IsMatch(Encoding.UTF8.GetBytes(pattern), Encoding.UTF8.GetBytes(text));
}
