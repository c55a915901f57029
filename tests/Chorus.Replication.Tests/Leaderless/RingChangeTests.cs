using Chorus.Core;
using Chorus.Replication.Leaderless;

namespace Chorus.Replication.Tests.Leaderless;

public sealed class RingChangeTests(ITestOutputHelper output)
{
    private static readonly NodeId[] Five = [.. Enumerable.Range(1, 5).Select(i => new NodeId($"n{i}"))];
    private static readonly NodeId N6 = new("n6");

    /// DDIA ch. 6, "Rebalancing": adding a node moves only ranges the new node gains, about N/6 of
    /// the key space with six nodes, and every key whose replicas change lies in a listed range.
    [Fact]
    public void Adding_a_node_moves_only_ranges_it_gains()
    {
        var before = new HashRing(Five, 64);
        var after = new HashRing([.. Five, N6], 64);
        var moves = RingChange.Between(before, after, 3);
        Assert.All(moves, m => Assert.Equal([N6], m.Gained));
        Assert.All(moves, m => Assert.Single(m.Lost));
        var moved = moves.Sum(m => (double)m.Range.Width) / KeyHash.SpaceEnd;
        output.WriteLine($"{moves.Count} ranges move, {moved:P1} of the key space (N/nodes = {3.0 / 6:P1})");
        Assert.InRange(moved, 0.40, 0.60);
        CheckEveryChangedKeyIsListed(before, after, moves);
    }

    [Fact]
    public void Removing_a_node_hands_its_ranges_to_the_others()
    {
        var before = new HashRing([.. Five, N6], 64);
        var after = new HashRing(Five, 64);
        var moves = RingChange.Between(before, after, 3);
        Assert.All(moves, m => Assert.Equal([N6], m.Lost));
        Assert.All(moves, m => Assert.DoesNotContain(N6, m.Gained));
        CheckEveryChangedKeyIsListed(before, after, moves);
    }

    [Fact]
    public void The_same_ring_moves_nothing() =>
        Assert.Empty(RingChange.Between(new HashRing(Five, 16), new HashRing(Five, 16), 3));

    private static void CheckEveryChangedKeyIsListed(HashRing before, HashRing after, IReadOnlyList<RangeMove> moves)
    {
        var random = new Random(22_000);
        for (var k = 0; k < 5000; k++)
        {
            var hash = (ulong)random.NextInt64(0, long.MaxValue);
            var changed = !before.PreferenceList(hash, 3).ToHashSet().SetEquals(after.PreferenceList(hash, 3));
            var move = moves.SingleOrDefault(m => m.Range.Contains(hash));
            Assert.Equal(changed, move is not null);
            if (move is not null)
            {
                Assert.Equal(before.PreferenceList(hash, 3), move.Before);
                Assert.Equal(after.PreferenceList(hash, 3), move.After);
            }
        }
    }
}
