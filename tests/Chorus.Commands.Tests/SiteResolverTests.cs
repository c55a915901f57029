using Chorus.Commands.Sites;
using Chorus.Commands.Values;
using Chorus.Core;
using Chorus.Core.Sites;
using Chorus.Core.Versions;

namespace Chorus.Commands.Tests;

/// <summary>
/// DDIA ch. 5, "Detecting concurrent writes", per key between sites: a causally later version
/// supersedes an earlier one silently; concurrent ones are a conflict, resolved by the key's
/// policy; merging is order-free and idempotent, so every site converges whatever the paths.
/// </summary>
public sealed class SiteResolverTests
{
    private static SiteSibling Version(string site, long atMs, string? value, params (string Site, ulong Counter)[] clock) =>
        new(new SiteVersion(VersionVector.Of(clock), HlcTimestamp.From(atMs, 0), new NodeId(site)), value is null ? null : Record(value));

    private static byte[] Record(string value) => Records.String(System.Text.Encoding.UTF8.GetBytes(value), 0);

    private static SiteKeyState State(params SiteSibling[] siblings) => new(siblings);

    [Fact]
    public void A_causally_later_version_supersedes_without_a_conflict()
    {
        var local = State(Version("s1", 100, "a", ("s1", 1)));
        var result = SiteResolver.Merge(local, State(Version("s2", 50, "b", ("s1", 1), ("s2", 1))), ConflictPolicy.Lww);
        Assert.False(result.Conflict);
        Assert.Equal("b", Text(result.Changed!.Winner));
    }

    [Fact]
    public void An_older_or_equal_version_changes_nothing()
    {
        var local = State(Version("s2", 50, "b", ("s1", 1), ("s2", 1)));
        Assert.Null(SiteResolver.Merge(local, State(Version("s1", 100, "a", ("s1", 1))), ConflictPolicy.Lww).Changed);
        Assert.Null(SiteResolver.Merge(local, local, ConflictPolicy.Lww).Changed);
    }

    [Fact]
    public void Under_lww_the_later_timestamp_wins_and_the_loser_is_reported()
    {
        var result = SiteResolver.Merge(State(Version("s1", 100, "B", ("s1", 1))), State(Version("s2", 200, "C", ("s2", 1))), ConflictPolicy.Lww);
        Assert.True(result.Conflict);
        Assert.Equal("C", Text(result.Changed!.Winner));
        Assert.Equal(VersionVector.Of(("s1", 1), ("s2", 1)), result.Changed.Context);
        Assert.Equal("B", Text(Assert.Single(result.Losers)));

        // The loser is reported once: hearing of it again (another path) reports nothing new.
        var again = SiteResolver.Merge(result.Changed, State(Version("s1", 100, "B", ("s1", 1))), ConflictPolicy.Lww);
        Assert.Null(again.Changed);
        var later = SiteResolver.Merge(result.Changed, State(Version("s3", 10, "D", ("s3", 1))), ConflictPolicy.Lww);
        Assert.Equal(["D"], later.Losers.Select(Text));
    }

    [Fact]
    public void Under_siblings_both_concurrent_values_stay_and_nothing_is_lost()
    {
        var result = SiteResolver.Merge(State(Version("s1", 100, "milk", ("s1", 1))), State(Version("s2", 200, "eggs", ("s2", 1))), ConflictPolicy.Siblings);
        Assert.Equal(["eggs", "milk"], result.Changed!.Siblings.Select(Text).Order());
        Assert.Empty(result.Losers);
    }

    [Fact]
    public void A_deletion_is_a_version_like_any_other()
    {
        var result = SiteResolver.Merge(State(Version("s1", 100, "a", ("s1", 1))), State(Version("s2", 300, null, ("s2", 1))), ConflictPolicy.Lww);
        Assert.True(result.Changed!.Winner.IsDeletion);
        var record = SiteRecord.Encode(result.Changed);
        Assert.True(KeyRecord.Parse(record).IsTombstone);
        Assert.True(KeyRecord.IsTombstoneRecord(record));
        Assert.True(KeyRecord.Parse(record).IsExpiredAt(0), "a tombstone reads as absent");
        Assert.True(SiteRecord.StateOf(record, new NodeId("s1"))!.Winner.IsDeletion);
    }

    [Fact]
    public void A_winner_keeps_its_expiry_in_a_format_2_key_record_and_loses_only_the_version_block_when_plain()
    {
        var value = Records.String("milk"u8, 5_000);
        var state = State(new SiteSibling(new SiteVersion(VersionVector.Of(("s1", 1)), HlcTimestamp.From(100, 0), new NodeId("s1")), value));
        var record = SiteRecord.Encode(state);
        var parsed = KeyRecord.Parse(record);
        Assert.True(parsed.HasVersionBlock);
        Assert.False(parsed.IsTombstone);
        Assert.Equal(5_000, parsed.ExpiresAtMs);
        Assert.Equal("milk"u8.ToArray(), parsed.Payload.ToArray());
        Assert.Equal(value, SiteRecord.Plain(record));
        Assert.Equal(value, SiteRecord.StateOf(record, new NodeId("s1"))!.Winner.Value);
    }

    /// Merge laws over random histories: any order, any grouping, any repetition — the same state.
    [Theory]
    [InlineData(ConflictPolicy.Lww)]
    [InlineData(ConflictPolicy.Siblings)]
    public void Merging_is_commutative_associative_and_idempotent(ConflictPolicy policy)
    {
        for (var seed = 0; seed < 300; seed++)
        {
            var random = new Random(seed);
            var versions = RandomHistory(random);
            var forward = MergeAll(versions, policy);
            var shuffled = versions.OrderBy(_ => random.Next()).ToList();
            var backward = MergeAll([.. shuffled, .. shuffled.Take(2)], policy);
            Assert.True(Same(forward, backward), $"seed {seed}: {forward} vs {backward}");
        }
    }

    /// Sites writing one key, each write seeing a random subset of earlier ones (per-key counters stay unique).
    private static List<SiteKeyState> RandomHistory(Random random)
    {
        var writes = new List<SiteSibling>();
        for (var i = 0; i < 6; i++)
        {
            var site = $"s{random.Next(3) + 1}";
            var seen = writes.Where(_ => random.Next(2) == 0).Aggregate(VersionVector.Empty, (c, w) => c.Merge(w.Version.Clock));
            var own = writes.Where(w => w.Version.Site.Value == site).Aggregate(seen, (c, w) => c.Merge(w.Version.Clock));
            var clock = own.With(new NodeId(site), own[new NodeId(site)] + 1);
            writes.Add(new SiteSibling(new SiteVersion(clock, HlcTimestamp.From(random.Next(1000), 0), new NodeId(site)), random.Next(5) == 0 ? null : Record($"v{i}")));
        }
        return [.. writes.Select(w => new SiteKeyState([w]))];
    }

    private static SiteKeyState? MergeAll(IEnumerable<SiteKeyState> states, ConflictPolicy policy)
    {
        SiteKeyState? merged = null;
        foreach (var state in states)
        {
            merged = SiteResolver.Merge(merged, state, policy).Changed ?? merged;
        }
        return merged;
    }

    private static bool Same(SiteKeyState? a, SiteKeyState? b) =>
        a is not null && b is not null && a.Siblings.Count == b.Siblings.Count
        && a.Siblings.Zip(b.Siblings).All(p => p.First.Version == p.Second.Version && Text(p.First) == Text(p.Second));

    private static string? Text(SiteSibling sibling) => sibling.Value is { } v ? System.Text.Encoding.UTF8.GetString(v.AsSpan(2)) : null;
}
