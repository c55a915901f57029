using Chorus.Core.Encoding;
using Chorus.Core.Sites;
using Chorus.Core.Versions;

namespace Chorus.Core.Tests.Sites;

/// <summary>What travels between sites and sits in a site's log and key records: round trips, and hostile bytes refused (never a crash).</summary>
public sealed class SiteCodecTests
{
    private static readonly NodeId S1 = new("s1");
    private static readonly NodeId S2 = new("s2");

    private static ChangeHeader Header(ulong seq) => new(S1, seq, HlcTimestamp.From(1_000 + (long)seq, 3), VersionVector.Of(("s1", seq - 1), ("s2", 4)));

    [Fact]
    public void A_site_entry_round_trips_with_its_header_frontier_operations_and_local_changes()
    {
        var ops = SiteOps.Encode([new SiteOp(0, "k"u8.ToArray(), [2, 0]), new SiteOp(15, "j"u8.ToArray(), [2, 0])]);
        var bytes = SiteEntry.Encode(Header(7), VersionVector.Of(("s1", 7), ("s2", 5)), ops, [9, 9]);
        var entry = SiteEntry.Decode(bytes);
        Assert.Equal(Header(7), entry.Header);
        Assert.Equal(VersionVector.Of(("s1", 7), ("s2", 5)), entry.Frontier);
        Assert.Equal([0, 15], SiteOps.Decode(entry.Change.Ops.Span).Select(op => op.Db));
        Assert.Equal([9, 9], entry.Local.ToArray());
    }

    /// Changes logged before collections were versioned carried whole records of database 0; a site still reads them.
    [Fact]
    public void Format_1_operations_still_decode_as_whole_records_of_database_0()
    {
        byte[] formatOne = [1, 1, 1, (byte)'k', 3, 1, 0, 65];
        var op = Assert.Single(SiteOps.Decode(formatOne));
        Assert.True(op.IsRecord);
        Assert.Equal(0, op.Db);
        Assert.Equal([1, 0, 65], op.Versions);
        Assert.Throws<CorruptDataException>(() => SiteOps.Decode([2, 1, 16, 1, (byte)'k', 0]));
    }

    [Fact]
    public void A_change_that_does_not_follow_its_origins_previous_change_is_refused()
    {
        var header = new ChangeHeader(S1, 5, HlcTimestamp.Zero, VersionVector.Of(("s1", 2)));
        var bytes = SiteEntry.Encode(header, VersionVector.Of(("s1", 5)), [], []);
        Assert.Throws<CorruptDataException>(() => SiteEntry.Decode(bytes));
    }

    [Fact]
    public void A_frontier_that_misses_its_own_change_is_refused()
    {
        var bytes = SiteEntry.Encode(Header(3), VersionVector.Of(("s1", 2)), [], []);
        Assert.Throws<CorruptDataException>(() => SiteEntry.Decode(bytes));
    }

    [Fact]
    public void Hostile_site_entries_are_refused_or_decode_canonically()
    {
        byte[][] valid =
        [
            SiteEntry.Encode(Header(1), VersionVector.Of(("s1", 1), ("s2", 4)), SiteOps.Encode([new SiteOp(0, [1], [2, 0])]), [7]),
            SiteEntry.Encode(Header(9), VersionVector.Of(("s1", 9), ("s2", 4)), [], []),
        ];
        Hostile.Refused(valid, bytes =>
        {
            var entry = SiteEntry.Decode(bytes);
            return SiteEntry.Encode(entry.Header, entry.Frontier, entry.Change.Ops.Span, entry.Local.Span);
        }, seed: 5100);
    }

    [Fact]
    public void A_key_state_round_trips_with_the_winner_in_the_record_body_and_deletions_as_such()
    {
        var winner = new SiteSibling(new SiteVersion(VersionVector.Of(("s2", 1)), HlcTimestamp.From(2_000, 0), S2), [1, 0, 66]);
        var older = new SiteSibling(new SiteVersion(VersionVector.Of(("s1", 1)), HlcTimestamp.From(1_000, 0), S1), [1, 0, 65]);
        var deleted = new SiteSibling(new SiteVersion(VersionVector.Of(("s3", 1)), HlcTimestamp.From(500, 0), new NodeId("s3")), null);
        var state = new SiteKeyState([older, deleted, winner]);
        Assert.Same(winner, state.Winner);
        Assert.Equal(VersionVector.Of(("s1", 1), ("s2", 1), ("s3", 1)), state.Context);

        var decoded = SiteKeyState.DecodeBlock(state.EncodeBlock(), winner.Value);
        Assert.Equal(state.Siblings.Select(s => s.Version), decoded.Siblings.Select(s => s.Version));
        Assert.Null(decoded.Siblings[2].Value);
        Assert.Equal([1, 0, 65], decoded.Siblings[1].Value);
    }

    [Fact]
    public void Last_write_wins_order_breaks_equal_timestamps_by_site_id()
    {
        var at = HlcTimestamp.From(1_000, 0);
        var s1 = new SiteVersion(VersionVector.Of(("s1", 1)), at, S1);
        var s2 = new SiteVersion(VersionVector.Of(("s2", 1)), at, S2);
        Assert.True(s2.WinsOver(s1));
        Assert.False(s1.WinsOver(s2));
    }

    [Fact]
    public void Site_settings_round_trip_and_topologies_parse_with_clear_errors()
    {
        var settings = SiteSettings.Default with { Topology = SiteTopology.Star(S2), Policies = [new PolicyRule("cart:*", ConflictPolicy.Siblings)] };
        Assert.Equal(settings.Encode(), SiteSettings.Decode(settings.Encode()).Encode());
        Assert.True(SiteTopology.TryParse("ring", out var ring, out _));
        Assert.Equal(TopologyKind.Ring, ring.Kind);
        Assert.False(SiteTopology.TryParse("star", out _, out var error));
        Assert.Contains("hub", error);
        Assert.False(SiteTopology.TryParse("mesh-of-doom", out _, out error));
        Assert.Contains("known: all-to-all, ring, star", error);
        Assert.False(PolicyRule.TryParsePolicy("newest", out _, out _, out error));
        Assert.Contains("unknown conflict policy", error);
    }
}
