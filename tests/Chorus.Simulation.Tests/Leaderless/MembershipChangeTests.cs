using System.Globalization;
using System.Text;
using Chorus.Core;
using Chorus.Core.Versions;
using Chorus.Replication.Leaderless;
using Chorus.Simulation.Leaderless;

namespace Chorus.Simulation.Tests.Leaderless;

/// <summary>
/// DDIA ch. 6, "Rebalancing partitions", on a leaderless ring: a node joins and another leaves
/// while clients keep writing; the ranges move to their new owners (streamed from every old
/// holder, reads and writes needing their quorum in both replica sets until the handover ends).
/// Checked over seeded runs: no acknowledged write is lost — every home replica under the final
/// ring holds it or a later write of the same client — and the home replicas of every key
/// converge, with anti-entropy and read repair switched off, so the move alone must do it.
/// </summary>
public sealed class MembershipChangeTests
{
    private static readonly NodeId N1 = new("n1"), N2 = new("n2"), N3 = new("n3"), N5 = new("n5");

    /// <summary>
    /// <paramref name="staleReplica"/>: n4 is cut off during the first writes, with hinted handoff,
    /// read repair and anti-entropy all off, so it stays without them — a range must then come
    /// from the old holders that have the writes, and quorums must span both replica sets.
    /// </summary>
    [Theory]
    [InlineData(41, false)]
    [InlineData(42, false, Traits = ["Category", "Long"])]
    [InlineData(43, false, Traits = ["Category", "Long"])]
    [InlineData(46, true)]
    [InlineData(47, true, Traits = ["Category", "Long"])]
    [InlineData(48, true, Traits = ["Category", "Long"])]
    public void A_node_joins_and_another_leaves_under_writes_without_losing_an_acknowledged_write(int seed, bool staleReplica)
    {
        var settings = staleReplica
            ? new LeaderlessSettings { N = 3, W = 2, R = 2, SloppyQuorum = false, HintedHandoff = false, AntiEntropy = false, ReadRepair = false }
            : new LeaderlessSettings { N = 3, W = 2, R = 2, AntiEntropy = false, ReadRepair = false };
        var cluster = new LeaderlessSimCluster(seed, 4, settings, spares: 1);
        cluster.StartAll();
        cluster.RunFor(2 * settings.PeerDownAfterMs);
        var writers = new Writers(cluster, clients: 6, keysPerClient: 40);
        if (staleReplica)
        {
            cluster.Network.Partition([[new NodeId("n4")], [N1, N2, N3, N5]]);
            writers.Phase = "cut-";
            writers.Start([N1, N2, N3]);
            cluster.RunFor(1_500);
            cluster.Network.Heal();
            writers.Phase = "";
        }
        else
        {
            writers.Start([N1, N2, N3, new NodeId("n4")]);
        }
        cluster.RunFor(1_000);

        cluster.Start(N5);
        cluster.RunFor(300);
        Assert.Equal("OK", cluster.Call(N1, "CHORUS.RING", "ADD", "n5", "n5.sim:7000", "n5.sim:6379").AsString());
        var ackedBeforeJoin = writers.Acknowledged;
        Assert.True(cluster.RunUntil(() => HandedOver(cluster, 2, [.. cluster.Members, N5]), 60_000), $"seed {seed}: the join's handover completes");
        Assert.True(writers.Acknowledged > ackedBeforeJoin, $"seed {seed}: writes were acknowledged during the join");
        Assert.True(cluster.Status(N5)!.Totals.KeysStreamed > 0, $"seed {seed}: n5 received keys");
        writers.Contacts = [N1, N3, new NodeId("n4"), N5];

        cluster.RunFor(500);
        var removed = cluster.Call(N3, "CHORUS.RING", "REMOVE", "n2");
        Assert.True(removed.AsString() == "OK", $"seed {seed}: {removed} {string.Join("; ", cluster.Failures)}");
        var ackedBeforeLeave = writers.Acknowledged;
        Assert.True(cluster.RunUntil(() => HandedOver(cluster, 3, [.. cluster.Members, N5]), 60_000), $"seed {seed}: the leave's handover completes");
        Assert.True(writers.Acknowledged > ackedBeforeLeave, $"seed {seed}: writes were acknowledged during the leave");
        Assert.False(cluster.Status(N2)!.IsMember);

        cluster.RunFor(1_000);
        writers.Stop();
        cluster.RunFor(3 * settings.RequestTimeoutMs); // retries and hints of the last writes end

        Assert.True(writers.StaleReads.Count == 0, $"seed {seed}: {writers.StaleReads.Count} of {writers.Reads} reads missed an acknowledged write: {string.Join("; ", writers.StaleReads.Take(5))}");
        var ring = new HashRing([N1, N3, new NodeId("n4"), N5], settings.VirtualNodesPerNode);
        Assert.True(writers.LastAcknowledged.Count > 100, $"seed {seed}: {writers.LastAcknowledged.Count} keys written");
        foreach (var (key, acked) in writers.LastAcknowledged)
        {
            var homes = ring.PreferenceList(KeyHash.Of(Encoding.UTF8.GetBytes(key)), settings.N);
            if (staleReplica)
            {
                // Nothing repairs replicas here: the write must still be held by W home replicas.
                var holding = homes.Count(home => Newest(cluster.StoredVersions(home, key)) >= acked);
                Assert.True(holding >= settings.W, $"seed {seed}: write {acked} of {key} is held by {holding} of its home replicas {string.Join(",", homes)}");
                continue;
            }
            var first = cluster.StoredVersions(homes[0], key);
            foreach (var home in homes)
            {
                var stored = cluster.StoredVersions(home, key);
                Assert.True(Newest(stored) >= acked, $"seed {seed}: {home} holds {key} up to write {Newest(stored)}, but write {acked} was acknowledged");
                Assert.True(stored.SameVersionsAs(first), $"seed {seed}: the home replicas of {key} differ ({homes[0]} and {home})");
            }
        }
        Assert.Empty(cluster.Failures);
    }

    [Theory]
    [InlineData("CHORUS.RING ADD n2 n2.sim:7000", "n2 is already a member of the ring")]
    [InlineData("CHORUS.RING REMOVE n9", "n9 is not a member of the ring")]
    [InlineData("CHORUS.RING REMOVE n1", "would leave 2 nodes, fewer than N (3)")]
    [InlineData("CHORUS.RING ADD n4 nowhere", "invalid address 'nowhere'")]
    [InlineData("CHORUS.RING ADD bad/id h:1", "invalid node id")]
    [InlineData("CHORUS.RING MOVE n1", "Try CHORUS.RING")]
    public void Bad_membership_changes_get_a_clear_error(string command, string expected)
    {
        var cluster = LeaderlessRepairTests.Started(44, nodes: 3, new LeaderlessSettings());
        var reply = cluster.Call(N1, command.Split(' '));
        Assert.True(reply.IsError, reply.ToString());
        Assert.Contains(expected, reply.AsString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_ring_shows_members_their_shares_and_a_joining_node()
    {
        var cluster = new LeaderlessSimCluster(45, 3, new LeaderlessSettings(), spares: 1);
        cluster.StartAll();
        cluster.RunFor(2_000);
        var shown = cluster.Call(N1, "CHORUS.RING");
        Assert.Equal(1, Field(shown, "version").Integer);
        Assert.Equal(3, Field(shown, "members").Items!.Count);

        // Added before it runs: the handover waits for n4, and meanwhile another change is refused.
        Assert.Equal("OK", cluster.Call(N1, "CHORUS.RING", "ADD", "n4", "n4.sim:7000").AsString());
        var refused = cluster.Call(new NodeId("n2"), "CHORUS.RING", "REMOVE", "n3");
        Assert.Contains("a membership change is under way (ring v2; waiting for n4 to receive their ranges)", refused.AsString(), StringComparison.Ordinal);
        var moving = cluster.Call(N1, "CHORUS.RING");
        Assert.Equal(2, Field(moving, "version").Integer);
        var n4 = Field(moving, "members").Items!.Single(m => Field(m, "id").AsString() == "n4");
        Assert.Equal("joining", Field(n4, "state").AsString());
        Assert.Equal(["n4"], Field(moving, "awaiting").Items!.Select(i => i.AsString()));
        cluster.Start(new NodeId("n4"));
        Assert.True(cluster.RunUntil(() => HandedOver(cluster, 2, [.. cluster.Members, new NodeId("n4")]), 30_000), "seed 45: the handover completes");
        var shares = Field(cluster.Call(N1, "CHORUS.RING"), "members").Items!.Sum(m => double.Parse(Field(m, "primary_share_pct").AsString()!, CultureInfo.InvariantCulture));
        Assert.InRange(shares, 99.9, 100.1);
    }

    /// <summary>Every node runs ring <paramref name="version"/> and none waits for a handover any more.</summary>
    private static bool HandedOver(LeaderlessSimCluster cluster, long version, IEnumerable<NodeId> nodes) =>
        nodes.All(n => cluster.Status(n) is { } status && status.Ring.Version == version && status.PreviousRing is null);

    private static Resp.RespValue Field(Resp.RespValue map, string name)
    {
        var items = map.Items!;
        for (var i = 0; i + 1 < items.Count; i += 2)
        {
            if (items[i].AsString() == name)
            {
                return items[i + 1];
            }
        }
        throw new KeyNotFoundException(name);
    }

    /// <summary>The highest write number among the key's siblings (-1 when it has none).</summary>
    private static int Newest(DottedVersionVectorSet<VersionedValue> versions) =>
        versions.Values.Select(v => v.Bytes is { } bytes ? int.Parse(Encoding.UTF8.GetString(bytes).Split('-')[^1], CultureInfo.InvariantCulture) : -1).DefaultIfEmpty(-1).Max();

    /// <summary>
    /// Clients writing in a loop, each its own keys (so a key's writes are sequential and numbered):
    /// a write is sent to a random contact node as soon as the previous one was answered.
    /// </summary>
    private sealed class Writers(LeaderlessSimCluster cluster, int clients, int keysPerClient)
    {
        private readonly List<string>[] _keys = [.. Enumerable.Range(0, clients).Select(_ => new List<string>())];
        private bool _stopped;

        /// <summary>Prefixes the keys written from now on (a phase's keys are not written again later).</summary>
        public string Phase { get; set; } = "";
        private int _sequence;

        public IReadOnlyList<NodeId> Contacts { get; set; } = [];

        public Dictionary<string, int> LastAcknowledged { get; } = [];

        public int Acknowledged { get; private set; }

        public void Start(IReadOnlyList<NodeId> contacts)
        {
            Contacts = contacts;
            for (var c = 0; c < clients; c++)
            {
                Next(c);
            }
        }

        public void Stop() => _stopped = true;

        private void Next(int client)
        {
            if (_stopped)
            {
                return;
            }
            var number = ++_sequence;
            var key = $"{Phase}c{client}-k{cluster.Random.Next(keysPerClient)}";
            cluster.Send(cluster.Random.Pick(Contacts), ["SET", key, $"v-{number}"], reply =>
            {
                if (reply.AsString() != "OK")
                {
                    Next(client);
                    return;
                }
                Acknowledged++;
                if (LastAcknowledged.TryAdd(key, number))
                {
                    _keys[client].Add(key);
                }
                LastAcknowledged[key] = number;
                // Read any key this client wrote (no other client writes it): its latest acknowledged write must show.
                ReadBack(client, cluster.Random.Pick(_keys[client]));
            });
        }

        /// <summary>Reads a key through a random node: with W + R &gt; N it must see the latest acknowledged write (or a later one).</summary>
        private void ReadBack(int client, string key)
        {
            var written = LastAcknowledged[key];
            cluster.Send(cluster.Random.Pick(Contacts), ["GET", key], reply =>
            {
                if (!reply.IsError)
                {
                    Reads++;
                    var seen = reply.AsString() is { } text ? int.Parse(text.Split('-')[^1], CultureInfo.InvariantCulture) : -1;
                    if (seen < written)
                    {
                        StaleReads.Add($"{key}: read write {seen} after write {written} was acknowledged");
                    }
                }
                Next(client);
            });
        }

        public int Reads { get; private set; }

        public List<string> StaleReads { get; } = [];
    }
}
