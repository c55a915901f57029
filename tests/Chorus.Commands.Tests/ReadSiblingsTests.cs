using System.Text;
using Chorus.Commands.Sites;
using Chorus.Commands.Values;
using Chorus.Core;
using Chorus.Core.Sites;
using Chorus.Core.Versions;

namespace Chorus.Commands.Tests;

/// <summary>
/// DDIA ch. 5, "Custom conflict resolution logic — on read": what an on-read handler is shown for
/// a key (its live concurrent values, newest first, with the causal context a write-back carries),
/// how CHORUS.RESOLVE judges that context, and the built-in <c>cart</c> handler.
/// </summary>
public sealed class ReadSiblingsTests
{
    private static readonly NodeId S1 = new("s1");

    private static SiteSibling Version(string site, long atMs, string? value, params (string Site, ulong Counter)[] clock) =>
        new(new SiteVersion(VersionVector.Of(clock), HlcTimestamp.From(atMs, 0), new NodeId(site)), value is null ? null : Records.String(Encoding.UTF8.GetBytes(value), 0));

    private static byte[] Stored(params SiteSibling[] siblings) => SiteRecord.Encode(new SiteKeyState(siblings));

    [Fact]
    public void A_key_with_concurrent_values_shows_them_newest_first_with_their_merged_context()
    {
        var stored = Stored(Version("s1", 100, "milk,tea", ("s1", 1)), Version("s2", 200, "eggs,milk", ("s2", 1)));
        var conflict = ReadSiblings.Of(stored, S1)!;
        Assert.Equal(["eggs,milk", "milk,tea"], conflict.Siblings.Select(s => Encoding.UTF8.GetString(s.Value)));
        Assert.Equal([new NodeId("s2"), S1], conflict.Siblings.Select(s => s.Site));
        Assert.Equal(VersionVector.Of(("s1", 1), ("s2", 1)), conflict.Context);
        Assert.Equal(conflict.Context, ResolveCommand.CurrentContext(stored));
    }

    [Fact]
    public void Nothing_to_resolve_for_one_value_a_deletion_beside_one_value_or_no_key()
    {
        Assert.Null(ReadSiblings.Of(Stored(Version("s1", 100, "a", ("s1", 1))), S1));
        Assert.Null(ReadSiblings.Of(Stored(Version("s1", 100, "a", ("s1", 1)), Version("s2", 50, null, ("s2", 1))), S1));
        Assert.Null(ReadSiblings.Of(null, S1));
        Assert.Null(ReadSiblings.Of(Records.String("plain"u8, 0), S1));
        Assert.Null(ResolveCommand.CurrentContext(Stored(Version("s2", 300, null, ("s2", 1)))));
    }

    [Fact]
    public void The_built_in_cart_handler_answers_with_the_union_of_the_carts()
    {
        var cart = (IReadResolver)ConflictResolvers.BuiltIn.Single(r => r.Name == "cart");
        var conflict = ReadSiblings.Of(Stored(Version("s1", 100, "milk,tea", ("s1", 1)), Version("s2", 200, "eggs,milk", ("s2", 1))), S1)!;
        Assert.Equal("eggs,milk,tea", Encoding.UTF8.GetString(cart.ResolveOnRead("cart:1"u8, conflict.Siblings)!));
        Assert.DoesNotContain(ConflictResolvers.BuiltIn.Where(r => r.Name != "cart"), r => r is IReadResolver);
    }

    [Fact]
    public void Chorus_resolve_is_refused_where_writes_are_not_versioned_by_site()
    {
        using var harness = new Support.CommandHarness();
        var reply = harness.Run("CHORUS.RESOLVE", "k", "{}", "v");
        Assert.Equal(Support.Replies.Err(ResolveCommand.NotAtSite), reply);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{s1:2}")]
    [InlineData("{s1:2, s2:1}")]
    [InlineData(" {s2:1,s1:2} ")]
    public void A_context_round_trips_through_its_text(string text)
    {
        Assert.True(VersionVector.TryParse(text, out var parsed));
        Assert.True(VersionVector.TryParse(parsed.ToString(), out var again));
        Assert.Equal(parsed, again);
    }

    [Theory]
    [InlineData("")]
    [InlineData("s1:2")]
    [InlineData("{s1:0}")]
    [InlineData("{s1:2, s1:3}")]
    [InlineData("{s1:-1}")]
    [InlineData("{s1}")]
    [InlineData("{bad id:1}")]
    public void A_malformed_context_is_refused(string text) => Assert.False(VersionVector.TryParse(text, out _));
}
