using Chorus.Core.Sites;
using Chorus.Server.Configuration;

namespace Chorus.Server.Tests.Hosting;

/// <summary>A user's resolver for the tests below: the longest value wins.</summary>
public sealed class LongestValueResolver : IConflictResolver
{
    public string Name => "longest";

    public byte[] Resolve(ReadOnlySpan<byte> key, ReadOnlySpan<byte> field, IReadOnlyList<byte[]> values) =>
        values.MaxBy(v => v.Length)!;
}

/// <summary>
/// Issue 11, custom resolvers: a node loads the resolvers of the assemblies it is given next to
/// the built-in ones, and anything wrong with them stops it at start with a message saying what.
/// </summary>
public sealed class ResolverLoaderTests
{
    [Fact]
    public void Built_in_resolvers_are_always_there_and_an_assemblys_resolvers_join_them()
    {
        Assert.Equal(["cart", "max", "union"], ResolverLoader.Load("").Keys.Order());
        var resolvers = ResolverLoader.Load(typeof(LongestValueResolver).Assembly.Location);
        Assert.Equal(["cart", "longest", "max", "union"], resolvers.Keys.Order());
        Assert.Equal("abc"u8.ToArray(), resolvers["longest"].Resolve("k"u8, default, ["a"u8.ToArray(), "abc"u8.ToArray()]));
    }

    [Fact]
    public void The_built_in_resolvers_merge_deterministically()
    {
        var resolvers = ResolverLoader.Load("");
        Assert.Equal("10"u8.ToArray(), resolvers["max"].Resolve("k"u8, default, ["9"u8.ToArray(), "10"u8.ToArray()]));
        Assert.Equal("b"u8.ToArray(), resolvers["max"].Resolve("k"u8, default, ["b"u8.ToArray(), "10"u8.ToArray()]));
        Assert.Equal("eggs,milk,tea"u8.ToArray(), resolvers["union"].Resolve("k"u8, default, ["milk,tea"u8.ToArray(), "eggs,milk"u8.ToArray()]));
    }

    [Fact]
    public void A_missing_or_broken_assembly_is_a_clear_error()
    {
        var missing = Assert.Throws<ConfigurationError>(() => ResolverLoader.Load("/nonexistent/resolvers.dll"));
        Assert.Contains("could not load '/nonexistent/resolvers.dll'", missing.Message);
        var notDotnet = Path.GetTempFileName();
        try
        {
            File.WriteAllText(notDotnet, "not an assembly");
            Assert.Contains("could not load", Assert.Throws<ConfigurationError>(() => ResolverLoader.Load(notDotnet)).Message);
        }
        finally
        {
            File.Delete(notDotnet);
        }
        var none = Assert.Throws<ConfigurationError>(() => ResolverLoader.Load(typeof(ResolverLoader).Assembly.Location));
        Assert.Contains("has no public class implementing", none.Message);
    }
}
