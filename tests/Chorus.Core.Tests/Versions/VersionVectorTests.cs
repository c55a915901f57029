using Chorus.Core.Encoding;
using Chorus.Core.Versions;

namespace Chorus.Core.Tests.Versions;

public sealed class VersionVectorTests
{
    private static readonly NodeId N1 = new("n1");
    private static readonly NodeId N2 = new("n2");

    /// DDIA ch. 5, "Version vectors": a replica increments its own entry; merging takes each maximum.
    [Fact]
    public void Increment_and_merge_count_each_replicas_writes()
    {
        var a = VersionVector.Empty.Increment(N1).Increment(N1);
        var b = VersionVector.Empty.Increment(N2);
        Assert.Equal(2UL, a[N1]);
        Assert.Equal(0UL, a[N2]);
        Assert.Equal(VersionVector.Of(("n1", 2), ("n2", 1)), a.Merge(b));
        Assert.Equal("{n1:2, n2:1}", a.Merge(b).ToString());
        Assert.True(a.Contains(new Dot(N1, 2)));
        Assert.False(a.Contains(new Dot(N1, 3)));
    }

    [Theory]
    [InlineData("n1:1", "n1:1", CausalOrder.Equal)]
    [InlineData("", "", CausalOrder.Equal)]
    [InlineData("n1:1", "n1:2", CausalOrder.Before)]
    [InlineData("", "n1:1", CausalOrder.Before)]
    [InlineData("n1:2,n2:1", "n1:2", CausalOrder.After)]
    [InlineData("n1:2", "n2:1", CausalOrder.Concurrent)]
    [InlineData("n1:2,n2:1", "n1:1,n2:2", CausalOrder.Concurrent)]
    [InlineData("n1:1,n3:1", "n1:1,n2:1", CausalOrder.Concurrent)]
    public void Compare_tells_causal_order_from_concurrency(string left, string right, CausalOrder expected)
    {
        var (a, b) = (Parse(left), Parse(right));
        Assert.Equal(expected, a.Compare(b));
        var mirrored = expected switch { CausalOrder.Before => CausalOrder.After, CausalOrder.After => CausalOrder.Before, _ => expected };
        Assert.Equal(mirrored, b.Compare(a));
        Assert.Equal(expected is CausalOrder.After or CausalOrder.Equal, a.Dominates(b));
    }

    [Fact]
    public void Merge_is_commutative_associative_and_idempotent_and_dominates_its_inputs() =>
        Seeded.Cases(300, 1000, random =>
        {
            var (a, b, c) = (Generate.Vector(random), Generate.Vector(random), Generate.Vector(random));
            Laws.Hold(a, b, c, (x, y) => x.Merge(y), (x, y) => x.Equals(y) && x.GetHashCode() == y.GetHashCode(), x => x.ToString());
            Assert.True(a.Merge(b).Dominates(a));
            Assert.True(a.Merge(b).Dominates(b));
            Assert.Equal(a.Dominates(b), a.Merge(b).Equals(a));
        });

    [Fact]
    public void A_vector_of_three_sites_encodes_in_14_bytes()
    {
        var vector = VersionVector.Of(("n1", 3), ("n2", 7), ("n3", 120));
        var encoded = VersionVectorCodec.Encode(vector);
        Assert.Equal(14, encoded.Length);
        Assert.Equal(vector, VersionVectorCodec.Decode(encoded));
    }

    [Fact]
    public void Encoding_round_trips_and_equal_vectors_encode_equally() =>
        Seeded.Cases(200, 2000, random =>
        {
            var vector = Generate.Vector(random);
            var encoded = VersionVectorCodec.Encode(vector);
            Assert.Equal(vector, VersionVectorCodec.Decode(encoded));
            Assert.Equal(encoded, VersionVectorCodec.Encode(VersionVector.From(vector.Entries.ToArray().Reverse())));
        });

    [Theory]
    [InlineData(new byte[] { 2, 0 }, "format version 2")]
    [InlineData(new byte[] { 1, 1, 2, (byte)'n', (byte)'1', 0 }, "counter is zero")]
    [InlineData(new byte[] { 1, 2, 2, (byte)'n', (byte)'2', 2, (byte)'n', (byte)'1', 1, 1 }, "not sorted")]
    [InlineData(new byte[] { 1, 1, 2, (byte)'n', (byte)'!', 1 }, "node id")]
    [InlineData(new byte[] { 1, 1, 2, (byte)'n', (byte)'1', 1, 9 }, "trailing")]
    [InlineData(new byte[] { 1, 1, 2, (byte)'n', (byte)'1' }, "truncated")]
    public void Corrupt_vectors_are_refused(byte[] encoded, string reason)
    {
        var error = Assert.Throws<CorruptDataException>(() => VersionVectorCodec.Decode(encoded));
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void Hostile_bytes_never_crash_the_decoder()
    {
        var valid = Enumerable.Range(0, 20).Select(i => VersionVectorCodec.Encode(Generate.Vector(new Random(i)))).ToArray();
        Hostile.Refused(valid, bytes => VersionVectorCodec.Encode(VersionVectorCodec.Decode(bytes)), 3000);
    }

    private static VersionVector Parse(string text) =>
        VersionVector.Of([.. text.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(e => e.Split(':')).Select(p => (p[0], ulong.Parse(p[1])))]);
}
