using Chorus.Core.Encoding;
using Chorus.Core.Versions;

namespace Chorus.Core.Tests.Versions;

public sealed class DottedVersionVectorSetTests
{
    private static readonly NodeId N1 = new("n1");
    private static readonly NodeId N2 = new("n2");
    private static readonly NodeId N3 = new("n3");

    /// DDIA ch. 5, "Capturing the happens-before relationship": a write that saw a value replaces it;
    /// a write that did not see it becomes its sibling.
    [Fact]
    public void A_write_replaces_what_its_client_saw_and_keeps_what_it_did_not()
    {
        var set = DottedVersionVectorSet<string>.Empty.Update(VersionVector.Empty, "milk", N1);
        var afterMilk = set.Context;
        set = set.Update(VersionVector.Empty, "eggs", N1);
        Assert.Equal(["eggs", "milk"], set.Values.Order());
        set = set.Update(afterMilk, "milk, flour", N1);
        Assert.Equal(["eggs", "milk, flour"], set.Values.Order());
        set = set.Update(set.Context, "milk, flour, eggs", N2);
        Assert.Equal(["milk, flour, eggs"], set.Values);
        Assert.Equal(VersionVector.Of(("n1", 3), ("n2", 1)), set.Context);
    }

    [Fact]
    public void Merge_keeps_concurrent_siblings_and_prunes_superseded_ones()
    {
        var a = DottedVersionVectorSet<string>.Empty.Update(VersionVector.Empty, "a", N1);
        var b = DottedVersionVectorSet<string>.Empty.Update(VersionVector.Empty, "b", N2);
        var both = a.Merge(b);
        Assert.Equal(["a", "b"], both.Values.Order());
        var resolved = both.Update(both.Context, "ab", N3);
        Assert.Equal(["ab"], a.Merge(resolved).Values);
        Assert.Equal(["ab"], resolved.Merge(b).Merge(a).Values);
        Assert.Equal([new Sibling<string>(new Dot(N3, 1), "ab")], resolved.Siblings);
    }

    /// Issue 12: siblings are never dropped silently — after every replica synced, the siblings are
    /// exactly the writes no later write saw.
    [Fact]
    public void After_sync_the_siblings_are_exactly_the_writes_no_other_write_saw() =>
        Seeded.Cases(300, 4000, random =>
        {
            var history = new ReplicaHistory(random).Run(random.Next(5, 60));
            var converged = history.Converged();
            Assert.Equal(history.NotSuperseded().Order(), converged.Values.Order());
            foreach (var replica in history.Replicas)
            {
                Assert.True(replica.Merge(converged).SameVersionsAs(converged), "a replica's merge with the converged state is the converged state");
            }
        });

    [Fact]
    public void Merge_is_commutative_associative_and_idempotent() =>
        Seeded.Cases(300, 5000, random =>
        {
            var replicas = new ReplicaHistory(random).Run(random.Next(5, 60)).Replicas;
            Laws.Hold(replicas[0], replicas[1], replicas[2], (x, y) => x.Merge(y), Same, x => x.ToString());
        });

    /// Issue 12: with one version vector per key, two clients writing in turns through one coordinator
    /// make siblings pile up; with dotted version vectors each write replaces the one its client saw.
    [Fact]
    public void Concurrent_writers_through_one_coordinator_explode_siblings_with_plain_vectors_but_not_with_dots()
    {
        var dotted = DottedVersionVectorSet<string>.Empty;
        var plain = PlainVersionVectorSet<string>.Empty;
        var (dottedContexts, plainContexts) = (new VersionVector[2], new VersionVector[2]);
        Array.Fill(dottedContexts, VersionVector.Empty);
        Array.Fill(plainContexts, VersionVector.Empty);
        for (var write = 0; write < 20; write++)
        {
            // Clients take turns; each writes with the context it read right after its own last
            // write, so it has seen everything but the other client's latest write.
            var client = write % 2;
            dotted = dotted.Update(dottedContexts[client], $"c{client}-{write}", N1);
            plain = plain.Update(plainContexts[client], $"c{client}-{write}", N1);
            (dottedContexts[client], plainContexts[client]) = (dotted.Context, plain.Context);
        }
        Assert.Equal(2, dotted.SiblingCount);
        Assert.Equal(["c0-18", "c1-19"], dotted.Values.Order());
        Assert.Equal(20, plain.Values.Count);
    }

    [Fact]
    public void Plain_vector_sets_keep_the_later_state_or_the_union_of_concurrent_ones()
    {
        var a = PlainVersionVectorSet<string>.Empty.Update(VersionVector.Empty, "a", N1);
        var b = PlainVersionVectorSet<string>.Empty.Update(VersionVector.Empty, "b", N2);
        var later = a.Update(a.Context, "a2", N1);
        Assert.Same(later, a.Merge(later));
        Assert.Same(later, later.Merge(a));
        var both = a.Merge(b);
        Assert.Equal(["a", "b"], both.Values.Order());
        Assert.Equal(["a", "b"], both.Merge(b.Merge(a)).Values.Order());
        Assert.Equal(VersionVector.Of(("n1", 1), ("n2", 1)), both.Context);
    }

    [Fact]
    public void Discard_removes_the_siblings_a_context_saw_and_learns_the_context()
    {
        var set = DottedVersionVectorSet<string>.Empty
            .Update(VersionVector.Empty, "x", N1)
            .Update(VersionVector.Empty, "y", N1)
            .Update(VersionVector.Empty, "z", N2);
        var discarded = set.Discard(VersionVector.Of(("n1", 1), ("n3", 5)));
        Assert.Equal(["y", "z"], discarded.Values.Order());
        Assert.Equal(VersionVector.Of(("n1", 2), ("n2", 1), ("n3", 5)), discarded.Context);
        Assert.Same(set, set.Discard(VersionVector.Empty));
    }

    [Fact]
    public void Two_siblings_under_a_three_node_context_encode_in_17_bytes_plus_values()
    {
        var twoSiblings = DottedVersionVectorSet<byte[]>.Empty.Update(VersionVector.Empty, [1, 2, 3], N1)
            .Merge(DottedVersionVectorSet<byte[]>.Empty.Update(VersionVector.Empty, [4], N2))
            .Discard(VersionVector.Of(("n3", 4)));
        Assert.Equal(VersionVector.Of(("n1", 1), ("n2", 1), ("n3", 4)), twoSiblings.Context);
        var encoded = DottedVersionVectorSetCodec.Encode(twoSiblings, ValueCodec.Bytes);
        var valueBytes = twoSiblings.Values.Sum(v => 1 + v.Length);
        Assert.Equal(17, encoded.Length - valueBytes);
        Assert.True(DottedVersionVectorSetCodec.Decode(encoded, ValueCodec.Bytes).SameVersionsAs(twoSiblings));
    }

    [Fact]
    public void Encoding_round_trips_every_reachable_state() =>
        Seeded.Cases(200, 6000, random =>
        {
            foreach (var replica in new ReplicaHistory(random).Run(random.Next(1, 40)).Replicas)
            {
                var decoded = DottedVersionVectorSetCodec.Decode(DottedVersionVectorSetCodec.Encode(replica, Strings), Strings);
                Assert.True(Same(replica, decoded), $"{replica} decoded as {decoded}");
            }
        });

    [Fact]
    public void Corrupt_sets_are_refused()
    {
        // One value from n1 claimed under a counter of zero, then two values under a counter of one.
        Assert.Contains("zero", Assert.Throws<CorruptDataException>(() => Decode([1, 1, 2, (byte)'n', (byte)'1', 0, 0])).Message);
        Assert.Contains("only 1 events", Assert.Throws<CorruptDataException>(() => Decode([1, 1, 2, (byte)'n', (byte)'1', 1, 2, 1, 0x41, 1, 0x42])).Message);
        Assert.Contains("format version", Assert.Throws<CorruptDataException>(() => Decode([7])).Message);
    }

    [Fact]
    public void Hostile_bytes_never_crash_the_decoder()
    {
        var valid = Enumerable.Range(0, 20)
            .Select(i => DottedVersionVectorSetCodec.Encode(new ReplicaHistory(new Random(i)).Run(30).Converged(), Strings))
            .ToArray();
        Hostile.Refused(valid, bytes => DottedVersionVectorSetCodec.Encode(DottedVersionVectorSetCodec.Decode(bytes, ValueCodec.Bytes), ValueCodec.Bytes), 7000);
    }

    private static readonly ValueCodec<string> Strings = new(
        static (writer, value) => writer.WriteLengthPrefixed(System.Text.Encoding.UTF8.GetBytes(value)),
        static (ref reader) => System.Text.Encoding.UTF8.GetString(reader.ReadLengthPrefixed()));

    private static DottedVersionVectorSet<string> Decode(byte[] bytes) => DottedVersionVectorSetCodec.Decode(bytes, Strings);

    private static bool Same(DottedVersionVectorSet<string> a, DottedVersionVectorSet<string> b) =>
        a.SameVersionsAs(b) && a.Siblings.SequenceEqual(b.Siblings);
}
