using Chorus.Core;
using Chorus.Core.Encoding;
using Chorus.Replication.Membership;
using Chorus.Replication.Messages;
using Chorus.Replication.Quorum;

namespace Chorus.Replication.Tests;

/// <summary>
/// DDIA ch. 5, "Synchronous Versus Asynchronous Replication": when the leader may acknowledge a
/// write, at which level followers confirm, and what happens when they do not in time.
/// </summary>
public sealed class AckPolicyTests
{
    private static AckPolicy SemiSync(int count, AckLevel level = AckLevel.Flushed, AckTimeoutAction onTimeout = AckTimeoutAction.Fail) =>
        new(AckMode.SemiSync, count, level, 1000, onTimeout);

    private static Lsn Acked(CoreCluster cluster) => cluster.Core("n1").AckedLsn;

    [Fact]
    public void Semi_sync_any_1_acknowledges_once_one_follower_confirms()
    {
        var cluster = new CoreCluster(3, ack: SemiSync(1));
        cluster.StartAll();
        cluster.Settle();
        cluster.Network = _ => false;
        var entry = cluster.Propose("w");
        cluster.DeliverAll();
        Assert.True(Acked(cluster) < entry.Lsn);

        // Lost messages are sent again after RetransmitAfterMs.
        cluster.Network = m => m.To.Value != "n3" && m.From.Value != "n3";
        cluster.Settle(rounds: 15);
        Assert.Equal(entry.Lsn, Acked(cluster));
    }

    [Fact]
    public void Sync_all_waits_for_every_voting_follower()
    {
        var cluster = new CoreCluster(3, ack: new AckPolicy(AckMode.SyncAll, 0, AckLevel.Applied, 1000, AckTimeoutAction.Fail));
        cluster.StartAll();
        cluster.Settle();
        cluster.Network = m => m.To.Value != "n3" && m.From.Value != "n3";
        var entry = cluster.Propose("w");
        cluster.Settle(rounds: 3);
        Assert.True(Acked(cluster) < entry.Lsn);

        cluster.Network = _ => true;
        cluster.Settle(rounds: 15);
        Assert.Equal(entry.Lsn, Acked(cluster));
    }

    [Fact]
    public void Received_confirmations_do_not_wait_for_the_follower_disk()
    {
        var cluster = new CoreCluster(2, ack: SemiSync(1, AckLevel.Received));
        cluster.StartAll();
        cluster.Settle();
        cluster["n2"].HoldAppends = true;
        var entry = cluster.Propose("w");
        cluster.DeliverAll();

        Assert.Equal(entry.Lsn, Acked(cluster));
        Assert.True(cluster.Core("n1").Followers.Single().Match < entry.Lsn);
    }

    [Fact]
    public void Applied_confirmations_wait_until_the_follower_applied_the_write()
    {
        var cluster = new CoreCluster(2, ack: SemiSync(1, AckLevel.Applied));
        cluster.StartAll();
        cluster.Settle();
        cluster["n2"].HoldAppends = true;
        var entry = cluster.Propose("w");
        cluster.DeliverAll();
        Assert.True(Acked(cluster) < entry.Lsn);

        cluster.ReleaseHeld("n2");
        cluster.DeliverAll();
        Assert.Equal(entry.Lsn, Acked(cluster));
    }

    [Fact]
    public void Flushed_confirmations_make_the_follower_fsync_before_answering()
    {
        var cluster = new CoreCluster(2, ack: SemiSync(1, AckLevel.Flushed));
        cluster.StartAll();
        cluster.Settle();
        cluster["n2"].SyncEveryAppend = false;
        var entry = cluster.Propose("w");
        cluster.DeliverAll();

        Assert.Equal(entry.Lsn, Acked(cluster));
        Assert.Equal(entry.Lsn, cluster.Core("n2").Flushed);
        var append = cluster.Sent.OfType<AppendEntries>().Last(m => m.EntryCount > 0);
        Assert.Equal(AckLevel.Flushed, append.RequiredAck);
    }

    [Fact]
    public void Async_mode_neither_waits_nor_asks_followers_to_fsync()
    {
        var cluster = new CoreCluster(2);
        cluster.StartAll();
        cluster.Settle();
        cluster.Network = _ => false;
        var entry = cluster.Propose("w");
        Assert.Equal(entry.Lsn, Acked(cluster));
        Assert.All(cluster.Sent.OfType<AppendEntries>(), m => Assert.Null(m.RequiredAck));
    }

    [Fact]
    public void Under_the_fail_policy_unconfirmed_writes_time_out_and_new_ones_are_refused()
    {
        // A long lease, so the leader keeps leading (and refusing) while its followers are away.
        var cluster = new CoreCluster(3, new ReplicationOptions { ElectionTimeoutMs = 60_000 }, SemiSync(1));
        cluster.StartAll();
        cluster.Settle();
        cluster.Network = _ => false;
        var entry = cluster.Propose("w");
        var leader = cluster.Core("n1");

        cluster.Advance(500);
        Assert.Equal(Lsn.Zero, cluster.TimedOut);
        cluster.Advance(600);
        Assert.Equal(entry.Lsn, cluster.TimedOut);
        Assert.Equal(1, leader.Acks!.TimedOutWrites);

        Assert.Equal(AdmissionKind.Accept, leader.Admission.Kind);
        cluster.Settle(rounds: cluster.Options.ResubscribeAfterMs * 3 / cluster.Options.HeartbeatIntervalMs);
        Assert.IsType<NoReplicas>(leader.Admission.Refusal);
    }

    [Fact]
    public void Under_the_degrade_policy_the_leader_goes_async_and_recovers_by_itself()
    {
        var cluster = new CoreCluster(3, new ReplicationOptions { ElectionTimeoutMs = 60_000 }, SemiSync(1, onTimeout: AckTimeoutAction.Degrade));
        cluster.StartAll();
        cluster.Settle();
        cluster.Network = _ => false;
        var first = cluster.Propose("w1");
        var leader = cluster.Core("n1");
        Assert.True(leader.AckedLsn < first.Lsn);

        cluster.Advance(1_100);
        Assert.True(leader.Acks!.IsDegraded);
        Assert.Equal(first.Lsn, leader.AckedLsn);
        var second = cluster.Propose("w2");
        Assert.Equal(second.Lsn, leader.AckedLsn);
        Assert.Equal(AdmissionKind.Accept, leader.Admission.Kind);

        cluster.Network = _ => true;
        cluster.Settle();
        Assert.False(leader.Acks.IsDegraded);
        Assert.Equal(1, leader.Acks.Degradations);
        var third = cluster.Propose("w3");
        Assert.True(leader.AckedLsn < third.Lsn, "waiting for followers again");
        cluster.Settle(rounds: 2);
        Assert.Equal(third.Lsn, leader.AckedLsn);
    }

    [Fact]
    public void Learners_do_not_count_towards_acknowledgement()
    {
        var cluster = new CoreCluster(3, new ReplicationOptions { PromoteLagEntriesMax = -1 }, SemiSync(1));
        cluster.StartAll();
        var leader = cluster.Core("n1");
        var settings = leader.Settings;
        leader.ProposeSettings(settings with
        {
            Members = [.. settings.Members.Select(m => m.Id.Value == "n1" ? m : m with { Role = MemberRole.Learner })],
        });
        cluster.Settle();

        var entry = cluster.Propose("w");
        cluster.Settle(rounds: 3);
        Assert.True(leader.AckedLsn < entry.Lsn);
        Assert.Equal(entry.Lsn, cluster.Core("n2").Appended);
    }

    [Fact]
    public void Cluster_settings_travel_through_the_log_to_every_node()
    {
        var cluster = new CoreCluster(3);
        cluster.StartAll();
        var leader = cluster.Core("n1");
        var entry = leader.ProposeSettings(leader.Settings with { Ack = SemiSync(2, AckLevel.Applied) });
        cluster.Settle();

        foreach (var id in new[] { "n2", "n3" })
        {
            Assert.Equal(SemiSync(2, AckLevel.Applied), cluster.Core(id).Settings.Ack);
            Assert.Equal(entry.Lsn, cluster.Core(id).SettingsLsn);
        }
    }

    [Fact]
    public void Rolling_back_a_settings_entry_restores_the_previous_settings()
    {
        var cluster = new CoreCluster(3);
        cluster.StartAll();
        cluster.Settle();
        // n1 is cut off; the settings it appends reach nobody, and n2 or n3 takes over.
        cluster.Network = m => m.From.Value != "n1" && m.To.Value != "n1";
        var old = cluster.Core("n1");
        old.ProposeSettings(old.Settings with { Ack = SemiSync(1) });
        cluster.Settle(rounds: 40);
        Assert.Equal(AckMode.SemiSync, old.Settings.Ack.Mode);
        Assert.NotEqual("n1", cluster.Leader.Value);

        cluster.Network = _ => true;
        cluster.Settle(rounds: 40);

        Assert.Equal(AckMode.Async, cluster.Core("n1").Settings.Ack.Mode);
        Assert.Equal(Lsn.Zero, cluster.Core("n1").SettingsLsn);
        Assert.Single(cluster["n1"].RolledBack, e => e.Kind == Core.Log.PayloadKind.ClusterConfig);
    }

    [Theory]
    [InlineData("async", AckMode.Async, 0)]
    [InlineData("semi-sync any 1", AckMode.SemiSync, 1)]
    [InlineData("  SEMI-SYNC   ANY  3 ", AckMode.SemiSync, 3)]
    [InlineData("semi-sync 2", AckMode.SemiSync, 2)]
    [InlineData("sync all", AckMode.SyncAll, 0)]
    public void Modes_parse_as_written_in_config(string text, AckMode mode, int count)
    {
        Assert.True(AckPolicy.TryParseMode(text, out var parsedMode, out var parsedCount));
        Assert.Equal((mode, count), (parsedMode, parsedCount));
    }

    [Theory]
    [InlineData("semi-sync any 0")]
    [InlineData("semi-sync any")]
    [InlineData("quorum")]
    public void Bad_modes_are_refused(string text) => Assert.False(AckPolicy.TryParseMode(text, out _, out _));

    [Fact]
    public void Settings_round_trip_through_their_encoding()
    {
        var settings = new ClusterSettings(
            [new Member(new NodeId("n1"), "127.0.0.1:17379", "127.0.0.1:7379", MemberRole.Voter), new Member(new NodeId("n4"), "h:1", "", MemberRole.Learner)],
            new AckPolicy(AckMode.SemiSync, 2, AckLevel.Received, 750, AckTimeoutAction.Degrade));
        var decoded = ClusterSettings.Decode(settings.Encode());
        Assert.Equal(settings.Members, decoded.Members);
        Assert.Equal(settings.Ack, decoded.Ack);
    }

    /// A multi-leader site keeps the shared site settings in its cluster settings (so they survive
    /// restarts); settings written before that field existed still decode, and corrupt site
    /// settings are refused when read.
    [Fact]
    public void Site_settings_ride_along_in_the_cluster_settings_and_older_settings_still_decode()
    {
        var plain = new ClusterSettings([new Member(new NodeId("n1"), "h:1", "h:2", MemberRole.Voter)], AckPolicy.Default);
        Assert.Null(ClusterSettings.Decode(plain.Encode()).SiteSettings);
        var shared = Core.Sites.SiteSettings.Default with { Topology = Core.Sites.SiteTopology.Ring, FailedSites = [new NodeId("s3")] };
        var withSites = plain with { SiteSettings = shared.Stamped(new HlcTimestamp(42), new NodeId("s1")).Encode() };
        var decoded = Core.Sites.SiteSettings.Decode(ClusterSettings.Decode(withSites.Encode()).SiteSettings);
        Assert.Equal(Core.Sites.SiteTopology.Ring, decoded.Topology);
        Assert.Equal([new NodeId("s3")], decoded.FailedSites);
        Assert.Equal(new NodeId("s1"), decoded.ChangedBy);
        var corrupt = plain with { SiteSettings = [99] };
        Assert.Throws<CorruptDataException>(() => ClusterSettings.Decode(corrupt.Encode()));
    }

    /// Issue 17: a forged or corrupt settings entry with a count or timeout beyond int.MaxValue
    /// decoded to a negative number instead of being refused.
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Settings_with_an_out_of_range_count_or_timeout_are_refused(int field)
    {
        var settings = new ClusterSettings([new Member(new NodeId("n1"), "h:1", "h:2", MemberRole.Voter)],
            new AckPolicy(AckMode.SemiSync, 1, AckLevel.Received, 1, AckTimeoutAction.Fail));
        var bytes = settings.Encode().ToList();
        // Count and timeout are one-byte varints here (value 1); replace one with a 5-byte varint of 2^32 - 1.
        var ackMode = bytes.Count - 6;
        var position = field == 0 ? ackMode + 1 : ackMode + 3;
        Assert.Equal(1, bytes[position]);
        bytes.RemoveAt(position);
        bytes.InsertRange(position, [0xFF, 0xFF, 0xFF, 0xFF, 0x0F]);
        var error = Assert.Throws<CorruptDataException>(() => ClusterSettings.Decode(bytes.ToArray()));
        Assert.Contains("out of range", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Semi_sync_settings_with_a_count_of_zero_are_refused()
    {
        var settings = new ClusterSettings([new Member(new NodeId("n1"), "h:1", "h:2", MemberRole.Voter)],
            new AckPolicy(AckMode.SemiSync, 0, AckLevel.Received, 1, AckTimeoutAction.Fail));
        Assert.Throws<CorruptDataException>(() => ClusterSettings.Decode(settings.Encode()));
    }

    /// <summary>
    /// Issue 17, finding 7: a newly elected leader reported chorus_ack_timed_out_writes equal to
    /// its whole log — it counted the entries it inherited (which no client waits for on it) as
    /// writes that were not confirmed in time.
    /// </summary>
    [Fact]
    public void A_new_leader_does_not_count_the_log_it_inherited_as_timed_out_writes()
    {
        // A long lease, so the new leader keeps leading while its follower's confirmations are held back.
        var cluster = new CoreCluster(3, new ReplicationOptions { ElectionTimeoutMs = 10_000 }, SemiSync(1));
        cluster.StartAll();
        for (var i = 0; i < 50; i++)
        {
            cluster.Propose($"w{i}");
        }
        cluster.Settle();
        Assert.Equal(0, cluster.Core("n1").Acks!.TimedOutWrites);

        cluster.Crash("n1");
        // The new leader's first ticks come before its follower's first confirmation.
        cluster.Network = m => m is not (AppendResponse or Subscribe);
        while (cluster.Core("n2").Role != NodeRole.Leader && cluster.Core("n3").Role != NodeRole.Leader)
        {
            cluster.Advance(cluster.Options.HeartbeatIntervalMs);
            cluster.DeliverAll();
        }
        var leader = cluster.Core(cluster.Core("n2").Role == NodeRole.Leader ? "n2" : "n3");
        for (var waited = 0; waited < SemiSync(1).TimeoutMs + 200; waited += cluster.Options.HeartbeatIntervalMs)
        {
            cluster.Advance(cluster.Options.HeartbeatIntervalMs);
            cluster.DeliverAll();
        }
        Assert.Equal(NodeRole.Leader, leader.Role);
        Assert.Equal(0, leader.Acks!.TimedOutWrites);

        cluster.Network = _ => true;
        cluster.Settle();
        Assert.Equal(0, leader.Acks!.TimedOutWrites);
    }
}
