using System.Text;
using Chorus.Commands.Data.Keys;

namespace Chorus.Commands.Tests;

/// Issue 13, "Bad input: triggers with bad patterns": the glob mistakes a relay trigger refuses,
/// while every pattern GlobPattern parses as its author meant passes.
public sealed class GlobPatternMistakesTests
{
    [Theory]
    [InlineData("user:*")]
    [InlineData("*")]
    [InlineData("h?llo")]
    [InlineData("user:[0-9]*")]
    [InlineData("user:[^x]")]
    [InlineData("user:[^]")]          // a negated empty class: any one byte
    [InlineData("user:[b-a]")]        // reversed range, as Redis allows
    [InlineData("user:[\\]]")]        // an escaped ']' inside a class
    [InlineData("user:\\[literal\\]")]
    [InlineData("user:\\\\")]         // an escaped backslash
    [InlineData("a]b")]               // a lone ']' outside a class is a literal
    public void A_well_formed_pattern_has_no_mistake(string pattern) =>
        Assert.Null(GlobPatternMistakes.Find(Encoding.UTF8.GetBytes(pattern)));

    [Theory]
    [InlineData("user:[0-9", "has a '[' at offset 5 that opens a character class never closed by ']'")]
    [InlineData("user:[", "has a '[' at offset 5 that opens a character class never closed by ']'")]
    [InlineData("[a-]x", "has a '[' at offset 0 that opens a character class never closed by ']'")] // "a-]" is a range, as GlobPattern reads it
    [InlineData("x[\\]", "has a '[' at offset 1 that opens a character class never closed by ']'")]
    [InlineData("user:[]", "has an empty class '[]' at offset 5, which matches no character")]
    [InlineData("user:\\", "ends with a lone '\\' that escapes nothing")]
    public void A_malformed_pattern_is_named_with_where(string pattern, string expected) =>
        Assert.StartsWith(expected, GlobPatternMistakes.Find(Encoding.UTF8.GetBytes(pattern)), StringComparison.Ordinal);

    /// The claim the mistakes rest on: GlobPattern reads them as something other than they look.
    [Theory]
    [InlineData("[a-]x", "a", true)]        // the class "a-]x" runs to the end: one byte in ']'..'a' or 'x'
    [InlineData("[a-]x", "ax", false)]      // ... so what its author meant never matches
    [InlineData("user:[]", "user:]", false)]
    [InlineData("user:[]", "user:x", false)]
    public void GlobPattern_reads_the_mistakes_differently(string pattern, string key, bool matches) =>
        Assert.Equal(matches, GlobPattern.IsMatch(Encoding.UTF8.GetBytes(pattern), Encoding.UTF8.GetBytes(key)));
}
