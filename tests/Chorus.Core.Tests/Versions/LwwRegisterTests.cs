using Chorus.Core.Encoding;
using Chorus.Core.Versions;

namespace Chorus.Core.Tests.Versions;

public sealed class LwwRegisterTests
{
    private static readonly NodeId Paris = new("paris");
    private static readonly NodeId Tokyo = new("tokyo");

    /// DDIA ch. 5, "Last write wins": the later timestamp wins, and (issue 11) the concurrent loser is
    /// handed back so it can be logged, never silently dropped.
    [Fact]
    public void Concurrent_writes_resolve_by_timestamp_and_report_the_loser()
    {
        var title = LwwRegister<string>.Write(null, "B", Hlc(1000), Paris);
        var atTokyo = LwwRegister<string>.Write(null, "C", Hlc(1005), Tokyo);
        var merge = LwwRegister<string>.Merge(title, atTokyo);
        Assert.Equal(LwwOutcome.ConflictResolved, merge.Outcome);
        Assert.Equal("C", merge.Result.Value);
        Assert.Equal("B", merge.Loser!.Value);
        Assert.Equal(VersionVector.Of(("paris", 1), ("tokyo", 1)), merge.Result.Version);
        Assert.Equal(merge.Result, LwwRegister<string>.Merge(atTokyo, title).Result);
        // The loser arriving again (another path through the topology) is now just old news.
        Assert.Equal(LwwOutcome.Superseded, LwwRegister<string>.Merge(merge.Result, title).Outcome);
    }

    [Fact]
    public void An_overwrite_that_saw_the_old_value_is_not_a_conflict()
    {
        var first = LwwRegister<string>.Write(null, "draft", Hlc(1000), Paris);
        var second = LwwRegister<string>.Write(first, "final", Hlc(2000), Tokyo);
        var merge = LwwRegister<string>.Merge(first, second);
        Assert.Equal((LwwOutcome.Superseded, "final", (LwwRegister<string>?)null), (merge.Outcome, merge.Result.Value, merge.Loser));
        Assert.Equal(LwwOutcome.Identical, LwwRegister<string>.Merge(second, second).Outcome);
    }

    [Fact]
    public void Equal_timestamps_are_broken_by_site_id()
    {
        var (a, b) = (LwwRegister<string>.Write(null, "a", Hlc(7), Paris), LwwRegister<string>.Write(null, "b", Hlc(7), Tokyo));
        Assert.Equal("b", LwwRegister<string>.Merge(a, b).Result.Value);
        Assert.Equal("b", LwwRegister<string>.Merge(b, a).Result.Value);
    }

    /// A write that saw the other but carries an older timestamp (a clock that went wrong) loses by
    /// timestamp like any LWW system, and is reported as a conflict rather than silently dropped.
    [Fact]
    public void A_causally_later_write_with_an_older_timestamp_is_reported()
    {
        var first = LwwRegister<string>.Write(null, "first", Hlc(5000), Paris);
        var later = LwwRegister<string>.Write(first, "later", Hlc(4000), Tokyo);
        var merge = LwwRegister<string>.Merge(later, first);
        Assert.Equal((LwwOutcome.ConflictResolved, "first", "later"), (merge.Outcome, merge.Result.Value, merge.Loser!.Value));
    }

    [Fact]
    public void Merge_is_commutative_associative_and_idempotent() =>
        Seeded.Cases(300, 8000, random =>
        {
            var registers = Histories(random);
            Laws.Hold(registers[0], registers[1], registers[2], (x, y) => LwwRegister<int>.Merge(x, y).Result, (x, y) => x == y, x => x.ToString());
        });

    [Fact]
    public void Encoding_round_trips_and_refuses_hostile_bytes()
    {
        var register = LwwRegister<byte[]?>.Write(LwwRegister<byte[]?>.Write(null, [1], Hlc(1), Paris), [7, 7], Hlc(1_733_000_000_000), Tokyo);
        var encoded = LwwRegisterCodec.Encode(register, ValueCodec.BytesOrTombstone);
        Assert.Equal(32, encoded.Length); // 1 format + 13 table + 1 origin + 8 hlc + 5 version + 4 value
        var decoded = LwwRegisterCodec.Decode(encoded, ValueCodec.BytesOrTombstone);
        Assert.True(decoded.IsSameWrite(register) && decoded.Version.Equals(register.Version) && decoded.Value!.SequenceEqual(register.Value!));
        var tombstone = LwwRegister<byte[]?>.Write(register, null, Hlc(1_733_000_000_001), Paris);
        Assert.Null(LwwRegisterCodec.Decode(LwwRegisterCodec.Encode(tombstone, ValueCodec.BytesOrTombstone), ValueCodec.BytesOrTombstone).Value);
        Hostile.Refused([encoded, LwwRegisterCodec.Encode(tombstone, ValueCodec.BytesOrTombstone)],
            bytes => LwwRegisterCodec.Encode(LwwRegisterCodec.Decode(bytes, ValueCodec.BytesOrTombstone), ValueCodec.BytesOrTombstone),
            9000);
    }

    /// Three sites each write and exchange registers at random; each site's clock is an HLC fed
    /// with skewed physical times, as in a real multi-leader cluster.
    private static LwwRegister<int>[] Histories(Random random)
    {
        var sites = Generate.Sites[..3];
        var clocks = sites.Select(_ => new HybridLogicalClock()).ToArray();
        var held = new LwwRegister<int>?[3];
        for (var step = 0; step < random.Next(3, 30); step++)
        {
            var i = random.Next(3);
            if (random.Next(3) > 0 || held[i] is null)
            {
                held[i] = LwwRegister<int>.Write(held[i], step, clocks[i].Now(random.Next(100)), sites[i]);
            }
            else if (held[random.Next(3)] is { } other)
            {
                clocks[i].Observe(other.Timestamp);
                held[i] = LwwRegister<int>.Merge(held[i]!, other).Result;
            }
        }
        return [.. held.Select((r, i) => r ?? LwwRegister<int>.Write(null, -1, clocks[i].Now(0), sites[i]))];
    }

    private static HlcTimestamp Hlc(long physicalMs) => HlcTimestamp.From(physicalMs, 0);
}
