using Chorus.Core.Crdts;

namespace Chorus.Core.Tests.Crdts;

public sealed class PNCounterTests
{
    private static readonly NodeId N1 = new("n1");
    private static readonly NodeId N2 = new("n2");

    [Fact]
    public void Increments_at_every_site_all_count_once()
    {
        var (a, b) = (new PNCounter(), new PNCounter());
        Assert.Equal(CounterUpdate.Applied, a.TryAdd(N1, 5));
        Assert.Equal(CounterUpdate.Applied, b.TryAdd(N2, -2));
        Assert.Equal(CounterUpdate.Applied, b.TryAdd(N2, 10));
        a.Merge(b);
        a.Merge(b);
        Assert.Equal(13, a.Value);
        Assert.Equal("13 {n1:+5-0, n2:+10-2}", a.ToString());
    }

    /// Redis: INCRBY past the 64-bit range is refused ("increment or decrement would overflow").
    [Fact]
    public void An_increment_past_the_64_bit_range_is_refused_and_changes_nothing()
    {
        var counter = new PNCounter();
        Assert.Equal(CounterUpdate.Applied, counter.TryAdd(N1, long.MaxValue));
        Assert.Equal(CounterUpdate.Overflow, counter.TryAdd(N1, 1));
        Assert.Equal(CounterUpdate.Applied, counter.TryAdd(N1, long.MinValue));
        Assert.Equal(CounterUpdate.Overflow, counter.TryAdd(N2, long.MinValue));
        Assert.Equal(-1, counter.Value);
    }

    /// Two sites each accept an increment that fits alone; together they pass the range. The value
    /// stays exact, and INCR refuses it as Redis refuses INCR on "9223372036854775808".
    [Fact]
    public void Concurrent_increments_may_pass_the_range_and_the_value_stays_exact()
    {
        var (a, b) = (new PNCounter(), new PNCounter());
        a.TryAdd(N1, long.MaxValue);
        b.TryAdd(N2, long.MaxValue);
        a.Merge(b);
        Assert.Equal((Int128)long.MaxValue * 2, a.Value);
        Assert.False(a.TryGetInt64(out _));
        Assert.Equal(CounterUpdate.NotAnInteger, a.TryAdd(N1, -1));
    }

    [Fact]
    public void A_sites_running_total_that_would_wrap_is_refused()
    {
        var counter = new PNCounter();
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(CounterUpdate.Applied, counter.TryAdd(N1, long.MaxValue));
            Assert.Equal(CounterUpdate.Applied, counter.TryAdd(N1, -long.MaxValue));
        }
        Assert.Equal(CounterUpdate.Overflow, counter.TryAdd(N1, long.MaxValue));
        Assert.Equal(0, counter.Value);
    }

    /// Issue 11: CRDT counters equal the sum of acknowledged increments, whatever the merge order.
    [Fact]
    public void After_every_replica_merged_the_value_is_the_sum_of_applied_increments() =>
        Seeded.Cases(300, 10_000, random =>
        {
            var (replicas, applied) = History(random);
            var converged = new PNCounter();
            foreach (var replica in replicas.OrderBy(_ => random.Next()))
            {
                converged.Merge(replica);
            }
            Assert.Equal(applied, converged.Value);
            Laws.Hold(replicas[0], replicas[1], replicas[2], Merged, (x, y) => x.SameStateAs(y), x => x.ToString());
        });

    [Fact]
    public void Encoding_round_trips_and_refuses_hostile_bytes()
    {
        var valid = Enumerable.Range(0, 20).SelectMany(i => History(new Random(i)).Replicas).Select(PNCounterCodec.Encode).ToArray();
        foreach (var encoded in valid)
        {
            Assert.Equal(encoded, PNCounterCodec.Encode(PNCounterCodec.Decode(encoded)));
        }
        var three = new PNCounter();
        foreach (var site in Generate.Sites[..3])
        {
            three.TryAdd(site, 40);
        }
        Assert.Equal(17, PNCounterCodec.Encode(three).Length);
        Hostile.Refused(valid, bytes => PNCounterCodec.Encode(PNCounterCodec.Decode(bytes)), 11_000);
    }

    private static PNCounter Merged(PNCounter a, PNCounter b)
    {
        var merged = a.Clone();
        merged.Merge(b);
        return merged;
    }

    private static (PNCounter[] Replicas, Int128 Applied) History(Random random)
    {
        var replicas = new[] { new PNCounter(), new PNCounter(), new PNCounter() };
        Int128 applied = 0;
        for (var step = 0; step < random.Next(1, 40); step++)
        {
            var i = random.Next(3);
            if (random.Next(3) == 0)
            {
                replicas[i].Merge(replicas[random.Next(3)]);
                continue;
            }
            var delta = random.Next(4) == 0 ? random.NextInt64(long.MinValue, long.MaxValue) : random.Next(-100, 100);
            if (replicas[i].TryAdd(Generate.Sites[i], delta) == CounterUpdate.Applied)
            {
                applied += delta;
            }
        }
        return (replicas, applied);
    }
}
