using Ascii = System.Text.Encoding;
using Chorus.Core.Crdts;
using Chorus.Core.Versions;

namespace Chorus.Core.Tests.Crdts;

public sealed class AddWinsSetTests
{
    private static readonly NodeId N1 = new("n1");
    private static readonly NodeId N2 = new("n2");

    /// Add wins: a member added at one site while another site removes it stays.
    [Fact]
    public void A_concurrent_add_wins_over_a_remove()
    {
        var a = new AddWinsSet();
        a.Add(N1, "milk"u8);
        var b = a.Clone();
        Assert.True(b.Remove("milk"u8));
        Assert.False(a.Add(N1, "milk"u8)); // already present: SADD replies 0, but the add is renewed
        a.Merge(b);
        b.Merge(a);
        Assert.True(a.Contains("milk"u8));
        Assert.True(b.SameStateAs(a));
    }

    /// Observed remove: a remove takes away every add it saw, at whatever site they happened.
    [Fact]
    public void A_remove_takes_away_the_adds_it_observed_everywhere()
    {
        var (a, b) = (new AddWinsSet(), new AddWinsSet());
        a.Add(N1, "eggs"u8);
        b.Add(N2, "eggs"u8);
        a.Merge(b);
        Assert.Equal(2, a.Entries.Single().Value.Length);
        Assert.True(a.Remove("eggs"u8));
        b.Merge(a);
        Assert.False(b.Contains("eggs"u8));
        Assert.Equal(0, b.Count);
        Assert.Equal(VersionVector.Of(("n1", 1), ("n2", 1)), b.Context);
    }

    /// After every replica merged, a member's dots are exactly its adds that no remove and no
    /// later re-add at a replica that had seen them took away: nothing is lost, nothing resurrected.
    [Fact]
    public void After_every_replica_merged_each_member_holds_exactly_its_surviving_adds() =>
        Seeded.Cases(300, 12_000, random =>
        {
            var history = new SetHistory(random).Run(random.Next(1, 60));
            var converged = history.Replicas.Aggregate(new AddWinsSet(), (all, r) => { all.Merge(r); return all; });
            Assert.Equal(history.Surviving(), Describe(converged));
            Laws.Hold(history.Replicas[0], history.Replicas[1], history.Replicas[2], Merged, (x, y) => x.SameStateAs(y), Describe);
        });

    [Fact]
    public void Ten_members_added_at_one_site_encode_in_127_bytes()
    {
        var set = new AddWinsSet();
        for (var i = 0; i < 10; i++)
        {
            set.Add(N1, Ascii.ASCII.GetBytes($"member:{i}"));
        }
        var encoded = AddWinsSetCodec.Encode(set);
        Assert.Equal(127, encoded.Length);
        Assert.True(AddWinsSetCodec.Decode(encoded).SameStateAs(set));
    }

    [Fact]
    public void Encoding_round_trips_and_refuses_hostile_bytes()
    {
        var valid = Enumerable.Range(0, 30).SelectMany(i => new SetHistory(new Random(i)).Run(30).Replicas).Select(AddWinsSetCodec.Encode).ToArray();
        foreach (var encoded in valid)
        {
            Assert.Equal(encoded, AddWinsSetCodec.Encode(AddWinsSetCodec.Decode(encoded)));
        }
        Hostile.Refused(valid, bytes => AddWinsSetCodec.Encode(AddWinsSetCodec.Decode(bytes)), 13_000);
    }

    private static AddWinsSet Merged(AddWinsSet a, AddWinsSet b)
    {
        var merged = a.Clone();
        merged.Merge(b);
        return merged;
    }

    private static string Describe(AddWinsSet set) =>
        string.Join(" ", set.Entries.OrderBy(e => Ascii.ASCII.GetString(e.Key)).Select(e => $"{Ascii.ASCII.GetString(e.Key)}[{string.Join(",", e.Value)}]"));

    /// Random adds, removes and merges at three replicas, recording every dot added and every
    /// dot taken away (by a remove, or by a re-add at the same replica).
    private sealed class SetHistory(Random random)
    {
        private static readonly string[] Members = ["a", "b", "c", "d"];
        private readonly List<(string Member, Dot Dot)> _adds = [];
        private readonly HashSet<Dot> _takenAway = [];

        public AddWinsSet[] Replicas { get; } = [new(), new(), new()];

        public SetHistory Run(int steps)
        {
            for (var step = 0; step < steps; step++)
            {
                var (i, member) = (random.Next(3), Members[random.Next(Members.Length)]);
                var bytes = Ascii.ASCII.GetBytes(member);
                var before = DotsOf(Replicas[i], bytes);
                switch (random.Next(3))
                {
                    case 0:
                        Replicas[i].Add(Generate.Sites[i], bytes);
                        _adds.Add((member, DotsOf(Replicas[i], bytes).Single()));
                        _takenAway.UnionWith(before);
                        break;
                    case 1:
                        Assert.Equal(before.Length > 0, Replicas[i].Remove(bytes));
                        _takenAway.UnionWith(before);
                        break;
                    default:
                        Replicas[i].Merge(Replicas[random.Next(3)]);
                        break;
                }
            }
            return this;
        }

        public string Surviving() =>
            string.Join(" ", _adds.Where(a => !_takenAway.Contains(a.Dot)).GroupBy(a => a.Member).OrderBy(g => g.Key)
                .Select(g => $"{g.Key}[{string.Join(",", g.Select(a => a.Dot).Order(Comparer<Dot>.Create(AddWinsSet.CompareDots)))}]"));

        private static Dot[] DotsOf(AddWinsSet set, byte[] member) =>
            set.Entries.FirstOrDefault(e => e.Key.AsSpan().SequenceEqual(member)).Value ?? [];
    }
}
