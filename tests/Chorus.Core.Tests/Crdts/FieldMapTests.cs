using Chorus.Core.Crdts;
using Chorus.Core.Versions;

namespace Chorus.Core.Tests.Crdts;

public sealed class FieldMapTests
{
    private static readonly NodeId Paris = new("paris");
    private static readonly NodeId Tokyo = new("tokyo");

    /// Per-field resolution: two sites changing different fields of one hash both keep their change;
    /// only the field both changed conflicts, and its loser is reported for the conflict log.
    [Fact]
    public void Concurrent_writes_to_different_fields_both_survive_and_same_field_losers_are_reported()
    {
        var paris = new LwwFieldMap();
        paris.Set("name"u8, "Ada"u8.ToArray(), Hlc(1), Paris);
        var tokyo = paris.Clone();
        paris.Set("city"u8, "Paris"u8.ToArray(), Hlc(10), Paris);
        paris.Set("name"u8, "Ada L."u8.ToArray(), Hlc(11), Paris);
        tokyo.Set("email"u8, "ada@x"u8.ToArray(), Hlc(12), Tokyo);
        tokyo.Set("name"u8, "Ada Lovelace"u8.ToArray(), Hlc(13), Tokyo);
        var losers = new List<FieldConflict>();
        paris.Merge(tokyo, losers);
        Assert.Equal(["city", "email", "name"], paris.Fields.Select(f => System.Text.Encoding.ASCII.GetString(f)).Order());
        Assert.True(paris.TryGet("name"u8, out var name) && name.AsSpan().SequenceEqual("Ada Lovelace"u8));
        var loser = Assert.Single(losers);
        Assert.Equal("Ada L.", System.Text.Encoding.ASCII.GetString(loser.Loser.Value!));
    }

    [Fact]
    public void A_deleted_field_is_a_tombstone_ordered_like_any_write()
    {
        var a = new LwwFieldMap();
        a.Set("f"u8, [1], Hlc(1), Paris);
        var b = a.Clone();
        Assert.True(a.Delete("f"u8, Hlc(5), Paris));
        Assert.False(a.Delete("f"u8, Hlc(6), Paris));
        b.Set("f"u8, [2], Hlc(3), Tokyo);
        b.Merge(a);
        Assert.Equal(0, b.Count);
        Assert.False(b.TryGet("f"u8, out _));
    }

    [Fact]
    public void Multi_value_fields_keep_concurrent_writes_until_a_write_with_their_context()
    {
        var a = new MultiValueFieldMap();
        a.Set("title"u8, "B"u8.ToArray(), Paris);
        var b = new MultiValueFieldMap();
        b.Set("title"u8, "C"u8.ToArray(), Tokyo);
        a.Merge(b);
        Assert.Equal(2, a.Get("title"u8).Count);
        a.Set("title"u8, "B/C"u8.ToArray(), Tokyo, a.ContextOf("title"u8));
        b.Merge(a);
        Assert.Equal(["B/C"], b.Get("title"u8).Select(v => System.Text.Encoding.ASCII.GetString(v)));
        Assert.True(b.Delete("title"u8, Paris));
        Assert.Empty(b.Get("title"u8));
        Assert.Equal(0, b.Count);
    }

    [Fact]
    public void Merges_are_commutative_associative_and_idempotent() =>
        Seeded.Cases(200, 14_000, random =>
        {
            var (lww, multi) = Histories(random);
            Laws.Hold(lww[0], lww[1], lww[2], (x, y) => { var m = x.Clone(); m.Merge(y); return m; }, (x, y) => x.SameStateAs(y), Describe);
            Laws.Hold(multi[0], multi[1], multi[2], (x, y) => { var m = x.Clone(); m.Merge(y); return m; }, (x, y) => x.SameStateAs(y), _ => "multi-value map");
        });

    [Fact]
    public void Encodings_round_trip_and_refuse_hostile_bytes()
    {
        var histories = Enumerable.Range(0, 20).Select(i => Histories(new Random(i))).ToArray();
        var lww = histories.SelectMany(h => h.Lww).Select(FieldMapCodec.Encode).ToArray();
        var multi = histories.SelectMany(h => h.Multi).Select(FieldMapCodec.Encode).ToArray();
        foreach (var encoded in lww)
        {
            Assert.Equal(encoded, FieldMapCodec.Encode(FieldMapCodec.DecodeLww(encoded)));
        }
        foreach (var encoded in multi)
        {
            Assert.Equal(encoded, FieldMapCodec.Encode(FieldMapCodec.DecodeMultiValue(encoded)));
        }
        Hostile.Refused(lww, bytes => FieldMapCodec.Encode(FieldMapCodec.DecodeLww(bytes)), 15_000);
        Hostile.Refused(multi, bytes => FieldMapCodec.Encode(FieldMapCodec.DecodeMultiValue(bytes)), 16_000);
    }

    private static (LwwFieldMap[] Lww, MultiValueFieldMap[] Multi) Histories(Random random)
    {
        var lww = new[] { new LwwFieldMap(), new LwwFieldMap(), new LwwFieldMap() };
        var multi = new[] { new MultiValueFieldMap(), new MultiValueFieldMap(), new MultiValueFieldMap() };
        var clocks = lww.Select(_ => new HybridLogicalClock()).ToArray();
        for (var step = 0; step < random.Next(1, 40); step++)
        {
            var (i, field) = (random.Next(3), new[] { (byte)('a' + random.Next(3)) });
            var site = Generate.Sites[i];
            switch (random.Next(4))
            {
                case 0:
                case 1:
                    lww[i].Set(field, [(byte)step], clocks[i].Now(random.Next(50)), site);
                    multi[i].Set(field, [(byte)step], site, random.Next(2) == 0 ? null : VersionVector.Empty);
                    break;
                case 2:
                    lww[i].Delete(field, clocks[i].Now(random.Next(50)), site);
                    multi[i].Delete(field, site);
                    break;
                default:
                    var j = random.Next(3);
                    lww[i].Merge(lww[j]);
                    multi[i].Merge(multi[j]);
                    break;
            }
        }
        return (lww, multi);
    }

    private static string Describe(LwwFieldMap map) =>
        string.Join(" ", map.Registers.Select(r => $"{r.Key[0]}={r.Value.Timestamp}@{r.Value.Origin}"));

    private static HlcTimestamp Hlc(long physicalMs) => HlcTimestamp.From(physicalMs, 0);
}
