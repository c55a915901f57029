using Chorus.Commands.Logical;
using Chorus.Commands.Sites;
using Chorus.Commands.Values;
using Chorus.Core;
using Chorus.Core.Encoding;
using Chorus.Core.Sites;
using Chorus.Core.Versions;

namespace Chorus.Commands.Tests;

/// <summary>
/// The CRDT bullet, element by element: concurrent writes to different hash fields both
/// survive, the same field written at two sites is a last-write-wins conflict of that field alone,
/// SADD/SREM merge as an add-wins OR-set, counters as PN-counters — and merging documents is
/// commutative, associative and idempotent (seeded property tests; a failure names its seed).
/// </summary>
public sealed class SiteDocumentTests(ITestOutputHelper output)
{
    private static readonly byte[] Key = "k"u8.ToArray();

    /// One site's copy of the key: its document and the record a read sees.
    private sealed class Site(string name)
    {
        public NodeId Id { get; } = new(name);

        public SiteDocument Document { get; set; } = new();

        public long Clock { get; set; }

        public WriteStamp Stamp() => new(Id, HlcTimestamp.From(++Clock, 0), SiteSettings.Default);

        public SiteDocument Write(byte[]? after, ConflictPolicy policy, IReadOnlyList<byte[]>? setAdds, params KeyChange[] changes)
        {
            var before = Document.IsEmpty ? null : Records.Tombstone(SiteDocumentCodec.Encode(Document));
            var versioned = SiteVersioner.Version(Stamp(), before, after, changes, policy, setAdds)!;
            Document = versioned.After;
            return versioned.Delta;
        }

        public DocumentResolution Receive(SiteDocument delta, ConflictPolicy policy = ConflictPolicy.Lww)
        {
            var merge = SiteResolver.Merge(Document, delta, policy);
            Document = merge.Merged;
            return merge;
        }
    }

    private static byte[] Hash(long count) => Records.Collection(DataType.Hash, 0, default, count, 1);

    private static byte[] SetRecord(long count) => Records.Collection(DataType.Set, 0, default, count, 1);

    private static byte[] B(string text) => System.Text.Encoding.UTF8.GetBytes(text);

    private static HashChange HSet(string field, string value) => new(0, Key, null, [new FieldChange(B(field), B(value), null)]);

    private static string[] LiveNames(SiteDocument document, SitePart part) =>
        [.. document.LiveElements(part).Select(e => System.Text.Encoding.UTF8.GetString(e.Key))];

    [Fact]
    public void Concurrent_writes_to_different_hash_fields_both_survive_without_a_conflict()
    {
        Site s1 = new("s1"), s2 = new("s2");
        s2.Receive(s1.Write(Hash(1), ConflictPolicy.Lww, null, HSet("name", "wiki")));
        var a = s1.Write(Hash(2), ConflictPolicy.Lww, null, HSet("title", "B"));
        var b = s2.Write(Hash(2), ConflictPolicy.Lww, null, HSet("body", "C"));
        var atS1 = s1.Receive(b);
        var atS2 = s2.Receive(a);
        Assert.DoesNotContain(atS1.Changed, c => c.Resolution.Conflict);
        Assert.DoesNotContain(atS2.Changed, c => c.Resolution.Conflict);
        Assert.Equal(["body", "name", "title"], LiveNames(s1.Document, SitePart.Hash));
        Assert.Equal(SiteDocumentCodec.Encode(s1.Document), SiteDocumentCodec.Encode(s2.Document));
        Assert.Equal(SitePart.Hash, s1.Document.Visible());
    }

    [Fact]
    public void The_same_field_written_at_two_sites_is_a_conflict_of_that_field_the_later_write_wins()
    {
        Site s1 = new("s1"), s2 = new("s2") { Clock = 10 };
        var a = s1.Write(Hash(1), ConflictPolicy.Lww, null, HSet("title", "B"));
        var b = s2.Write(Hash(1), ConflictPolicy.Lww, null, HSet("title", "C"));
        var merge = s1.Receive(b);
        var conflict = Assert.Single(merge.Changed);
        Assert.True(conflict.Resolution.Conflict);
        Assert.Equal("B", System.Text.Encoding.UTF8.GetString(Assert.Single(conflict.Resolution.Losers).Value!));
        s2.Receive(a);
        Assert.Equal("C", System.Text.Encoding.UTF8.GetString(SiteDocument.ValueOf(SitePart.Hash, s2.Document.Get(SitePart.Hash, B("title"))!)));
        Assert.Equal(SiteDocumentCodec.Encode(s1.Document), SiteDocumentCodec.Encode(s2.Document));
    }

    /// Add-wins: s1 removes a member while s2, not having seen the removal, adds it again.
    [Fact]
    public void A_concurrent_add_and_remove_of_a_set_member_leave_it_present()
    {
        Site s1 = new("s1"), s2 = new("s2");
        s2.Receive(s1.Write(SetRecord(1), ConflictPolicy.Lww, null, new SetChange(0, Key, null, [new MemberChange(B("milk"), true)])));
        var remove = s1.Write(null, ConflictPolicy.Lww, null, new SetChange(0, Key, Records.NewCollectionImageWithCount(DataType.Set, 1), [new MemberChange(B("milk"), false)]));
        var add = s2.Write(SetRecord(1), ConflictPolicy.Lww, [B("milk")]);
        Assert.Null(s1.Document.Visible());
        s1.Receive(add);
        s2.Receive(remove);
        Assert.Equal(["milk"], LiveNames(s1.Document, SitePart.Set));
        Assert.Equal(["milk"], LiveNames(s2.Document, SitePart.Set));
        Assert.Equal(SiteDocumentCodec.Encode(s1.Document), SiteDocumentCodec.Encode(s2.Document));

        // A remove that has seen every add removes the member everywhere.
        var removeAll = s1.Write(null, ConflictPolicy.Lww, null, new SetChange(0, Key, Records.NewCollectionImageWithCount(DataType.Set, 1), [new MemberChange(B("milk"), false)]));
        s2.Receive(removeAll);
        Assert.Empty(LiveNames(s2.Document, SitePart.Set));
    }

    [Fact]
    public void Concurrent_increments_at_two_sites_both_count()
    {
        Site s1 = new("s1"), s2 = new("s2");
        var a = s1.Write(Records.String("5"u8, 0), ConflictPolicy.Counter, null, new PutChange(0, Key, Records.String("5"u8, 0), null));
        var b = s2.Write(Records.String("7"u8, 0), ConflictPolicy.Counter, null, new PutChange(0, Key, Records.String("7"u8, 0), null));
        s1.Receive(a);
        s1.Receive(b);
        s2.Receive(a);
        s2.Receive(b);
        Assert.Equal(12, s1.Document.CounterValue());
        Assert.Equal(12, s2.Document.CounterValue());
        Assert.Equal(SitePart.Counter, s1.Document.Visible());
    }

    [Fact]
    public void Concurrent_increments_that_together_pass_the_64_bit_limit_hold_at_the_limit()
    {
        Site s1 = new("s1"), s2 = new("s2");
        var near = (long.MaxValue - 10).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var a = s1.Write(Records.String(System.Text.Encoding.ASCII.GetBytes(near), 0), ConflictPolicy.Counter, null, new PutChange(0, Key, Records.String(System.Text.Encoding.ASCII.GetBytes(near), 0), null));
        var b = s2.Write(Records.String(System.Text.Encoding.ASCII.GetBytes(near), 0), ConflictPolicy.Counter, null, new PutChange(0, Key, Records.String(System.Text.Encoding.ASCII.GetBytes(near), 0), null));
        s1.Receive(b);
        s2.Receive(a);
        Assert.Equal(long.MaxValue, s1.Document.CounterValue());
        Assert.Equal(long.MaxValue, s2.Document.CounterValue());
    }

    /// DEL of a hash removes the fields it saw; a field another site added concurrently survives.
    [Fact]
    public void Deleting_a_hash_keeps_a_field_added_concurrently_elsewhere()
    {
        Site s1 = new("s1"), s2 = new("s2");
        s2.Receive(s1.Write(Hash(1), ConflictPolicy.Lww, null, HSet("a", "1")));
        var delete = s1.Write(null, ConflictPolicy.Lww, null, new DeleteChange(0, Key, Records.NewCollectionImageWithCount(DataType.Hash, 1), DeleteReason.Command));
        var add = s2.Write(Hash(2), ConflictPolicy.Lww, null, HSet("b", "2"));
        s1.Receive(add);
        s2.Receive(delete);
        Assert.Equal(["b"], LiveNames(s1.Document, SitePart.Hash));
        Assert.Equal(SiteDocumentCodec.Encode(s1.Document), SiteDocumentCodec.Encode(s2.Document));
    }

    [Fact]
    public void A_document_round_trips_through_its_block()
    {
        var s1 = new Site("s1");
        s1.Write(Hash(1), ConflictPolicy.Lww, null, HSet("f", "v"));
        var block = SiteDocumentCodec.EncodeForRecord(s1.Document);
        Assert.Equal(SiteDocumentCodec.DocumentFormat, block[0]);
        var record = Records.WithVersionBlock(Hash(1), block);
        Assert.Equal(SiteDocumentCodec.Encode(s1.Document), SiteDocumentCodec.Encode(SiteDocumentCodec.FromRecord(record, s1.Id)!));
        Assert.Throws<CorruptDataException>(() => SiteDocumentCodec.Decode([2, 1, 9, 0]));
    }

    /// Merge laws over random histories: any order, any grouping, any repetition — the same document.
    [Theory]
    [InlineData(ConflictPolicy.Lww)]
    [InlineData(ConflictPolicy.Siblings)]
    public void Merging_documents_is_commutative_associative_and_idempotent(ConflictPolicy policy)
    {
        var firstSeed = Environment.TickCount & 0xFFFF;
        output.WriteLine($"seeds {firstSeed}..{firstSeed + 199}");
        for (var seed = firstSeed; seed < firstSeed + 200; seed++)
        {
            var random = new Random(seed);
            var (sites, deltas) = RandomHistory(random);
            SiteDocument Merge(SiteDocument a, SiteDocument b) => SiteResolver.Merge(a, b, policy).Merged;
            string Bytes(SiteDocument d) => Convert.ToHexString(SiteDocumentCodec.Encode(d));
            var (a, b, c) = (sites[0].Document, sites[1].Document, sites[2].Document);
            Assert.True(Bytes(Merge(a, b)) == Bytes(Merge(b, a)), $"seed {seed}: not commutative");
            Assert.True(Bytes(Merge(Merge(a, b), c)) == Bytes(Merge(a, Merge(b, c))), $"seed {seed}: not associative");
            Assert.True(Bytes(Merge(a, a)) == Bytes(a), $"seed {seed}: not idempotent");
            var forward = deltas.Aggregate(new SiteDocument(), Merge);
            var shuffled = deltas.OrderBy(_ => random.Next()).ToList();
            var backward = shuffled.Concat(shuffled.Take(3)).Aggregate(new SiteDocument(), Merge);
            Assert.True(Bytes(forward) == Bytes(backward), $"seed {seed}: the order of the changes matters");
            Assert.True(forward.Visible() == backward.Visible(), $"seed {seed}: different parts shown");
        }
    }

    /// Three sites write random elements of random parts, and now and then one merges another's document.
    private static (Site[] Sites, List<SiteDocument> Deltas) RandomHistory(Random random)
    {
        Site[] sites = [new("s1"), new("s2"), new("s3")];
        var deltas = new List<SiteDocument>();
        for (var step = 0; step < 12; step++)
        {
            var site = sites[random.Next(3)];
            site.Clock = Math.Max(site.Clock, random.Next(20));
            if (random.Next(4) == 0)
            {
                site.Receive(sites[random.Next(3)].Document);
                continue;
            }
            var part = (SitePart)(random.Next(4) + 1);
            var name = part == SitePart.String ? SiteDocument.StringElement : B($"e{random.Next(3)}");
            var value = random.Next(4) == 0 ? null : part == SitePart.Set ? [] : B($"v{step}");
            var context = site.Document.Get(part, name)?.Context ?? VersionVector.Empty;
            var version = new SiteSibling(new SiteVersion(context.With(site.Id, context[site.Id] + 1), HlcTimestamp.From(++site.Clock, 0), site.Id), value);
            var delta = new SiteDocument();
            delta.Set(part, name, new SiteKeyState([version]));
            deltas.Add(delta);
            site.Receive(delta);
        }
        return (sites, deltas);
    }
}
