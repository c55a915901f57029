using System.Globalization;
using Chorus.Cli.Tests.Support;
using Chorus.Client;
using Chorus.Resp;

namespace Chorus.Cli.Tests;

/// <summary>
/// A named session's write is (epoch, LSN) (docs/consistency.md, "A write is (epoch, LSN), and any
/// node can tell that it was lost"), with real processes and plain RESP, as redis-cli sends it:
/// <c>LASTWRITE WITHEPOCH</c> names a write — also one a follower forwarded; a leader whose log holds
/// another epoch at those LSNs does not record the write and tells the session once it is decided;
/// a device's pending writes are judged by whichever leader it asks; a leader-window read
/// measures the window from the session's last write on any device.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class SessionWriteIdentityTests(ITestOutputHelper output)
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static Task<RespConnection> ConnectAsync(ProcessCluster cluster, string id) =>
        RespConnection.ConnectAsync("127.0.0.1", cluster[id].Port, TimeSpan.FromSeconds(5), None);

    private static (long First, long Last, long Epoch) Group(RespValue reply)
    {
        Assert.False(reply.IsError, Why(reply));
        Assert.Equal(3, reply.Items.Count);
        return (reply.Items[0].Integer, reply.Items[1].Integer, reply.Items[2].Integer);
    }

    [Fact]
    public async Task A_sessions_writes_are_named_by_epoch_and_lsn_judged_by_any_leader_and_open_a_leader_window_on_every_device()
    {
        // A long election timeout: a follower whose link is held must not campaign meanwhile.
        await using var cluster = await ProcessCluster.StartAsync(3, null, "--fault-commands", "true", "--election-timeout-ms", "10000");
        await using var leader = await ConnectAsync(cluster, "n1");
        await using var follower = await ConnectAsync(cluster, "n3");

        // A direct write, and one n3 forwards to the leader: both named exactly (part 3).
        Assert.Equal("OK", (await leader.CommandAsync(None, "SET", "k1", "v1")).AsString());
        var direct = Group(await leader.CommandAsync(None, "CHORUS.SESSION", "LASTWRITE", "WITHEPOCH"));
        Assert.Equal(2, (await leader.CommandAsync(None, "CHORUS.SESSION", "LASTWRITE")).Items.Count); // the older form is unchanged
        Assert.Equal("OK", (await follower.CommandAsync(None, "SET", "k2", "v2")).AsString());
        var forwarded = Group(await follower.CommandAsync(None, "CHORUS.SESSION", "LASTWRITE", "WITHEPOCH"));
        output.WriteLine($"direct {direct}, forwarded {forwarded}");
        Assert.True(direct.First >= 1 && direct.Epoch >= 1, $"{direct}");
        Assert.True(forwarded.First > direct.Last && forwarded.Epoch == direct.Epoch, $"a forwarded write is named as a direct one: {forwarded}");

        var token = (await follower.CommandAsync(None, "CHORUS.TOKEN")).AsString()!;
        var recorded = await follower.CommandAsync(None, "CHORUS.SESSION", "WROTE", "bob", token, "LSNS", Text(forwarded.First), Text(forwarded.Last), "EPOCH", Text(forwarded.Epoch));
        Assert.False(recorded.IsError, Why(recorded));
        Assert.Equal(RespValueKind.Integer, recorded.Items[1].Kind); // the commit point the leader judged the writes at

        // Bad input: a clear error, nothing recorded.
        Assert.StartsWith("ERR EPOCH takes", (await leader.CommandAsync(None, "CHORUS.SESSION", "WROTE", "bob", token, "LSNS", "1", "1", "EPOCH", "abc")).AsString());
        Assert.StartsWith("ERR EPOCH takes", (await leader.CommandAsync(None, "CHORUS.SESSION", "WROTE", "bob", token, "LSNS", "1", "1", "EPOCH", "0")).AsString());
        Assert.StartsWith("ERR PENDING takes", (await leader.CommandAsync(None, "CHORUS.SESSION", "WROTE", "bob", token, "LSNS", "1", "1", "EPOCH", "1", "PENDING", "2@1")).AsString());
        Assert.StartsWith("ERR PENDING takes", (await leader.CommandAsync(None, "CHORUS.SESSION", "NOTICES", "bob", "PENDING", "3-2@1")).AsString());
        Assert.StartsWith("ERR syntax error", (await leader.CommandAsync(None, "CHORUS.SESSION", "WROTE", "bob", token, "LSNS", "1", "1", "EPOCHS", "1")).AsString());
        Assert.StartsWith("TRYAGAIN", (await leader.CommandAsync(None, "CHORUS.SESSION", "WROTE", "bob", token, "LSNS", Text(direct.Last), Text(direct.Last), "EPOCH", Text(direct.Epoch + 5))).AsString());
        Assert.Empty((await leader.CommandAsync(None, "CHORUS.SESSION", "NOTICES", "bob")).Items);

        // Part 4: the phone writes at the leader; the laptop, bound to the same session at a follower
        // that cannot apply the write, reads it under leader-window: the leader serves it.
        await cluster.WaitForReplicationAsync();
        await using var control = await ConnectAsync(cluster, "n3");
        await using var laptop = await ConnectAsync(cluster, "n3");
        Assert.False((await laptop.CommandAsync(None, "CHORUS.SESSION", "alice")).IsError);
        Assert.Equal("OK", (await laptop.CommandAsync(None, "CHORUS.CONSISTENCY", "read-your-writes", "STRATEGY", "leader-window", "60000")).AsString());
        Assert.False((await leader.CommandAsync(None, "CHORUS.SESSION", "alice")).IsError);
        Assert.Equal("OK", (await control.CommandAsync(None, "CHORUS.FAULT", "LINK", "PAUSE")).AsString());
        try
        {
            Assert.Equal("OK", (await leader.CommandAsync(None, "SET", "profile", "new photo")).AsString());
            Assert.True((await control.CommandAsync(None, "GET", "profile")).IsNull, "n3 lags");
            Assert.Equal("new photo", (await laptop.CommandAsync(None, "GET", "profile")).AsString());
        }
        finally
        {
            await control.CommandAsync(None, "CHORUS.FAULT", "LINK", "RESUME");
        }

        // Parts 1 and 2: a new epoch. A write claimed at an LSN the new leader holds with its own
        // epoch is not recorded against that entry, and the session is told once it is decided;
        // a device's pending write is judged by a leader that never recorded it.
        var n2 = cluster["n2"];
        var handover = await cluster.CommandAsync("n1", "FAILOVER", "TO", n2.Host, n2.Port.ToString(CultureInfo.InvariantCulture), "TIMEOUT", "20000");
        Assert.False(handover.IsError, handover.AsString());
        await ProcessCluster.Eventually(async () => await cluster.LeaderAsync("n1", "n2") == "n2", TimeSpan.FromSeconds(60), "n2 leads after the handover");
        await using var newLeader = await ConnectAsync(cluster, "n2");
        Assert.Equal("OK", (await newLeader.CommandAsync(None, "SET", "k3", "v3")).AsString());
        var later = Group(await newLeader.CommandAsync(None, "CHORUS.SESSION", "LASTWRITE", "WITHEPOCH"));
        Assert.True(later.Epoch > direct.Epoch, $"{later}");
        var newToken = (await newLeader.CommandAsync(None, "CHORUS.TOKEN")).AsString()!;
        var foreign = await newLeader.CommandAsync(None, "CHORUS.SESSION", "WROTE", "carol", newToken, "LSNS", Text(later.Last), Text(later.Last), "EPOCH", Text(direct.Epoch));
        Assert.False(foreign.IsError, Why(foreign));
        var expected = $"LSN {later.Last} (epoch {direct.Epoch}): keys not known";
        await ProcessCluster.Eventually(async () =>
        {
            var notices = await newLeader.CommandAsync(None, "CHORUS.SESSION", "NOTICES", "carol");
            return notices.Items.Any(n => n.AsString() == expected);
        }, TimeSpan.FromSeconds(30), $"carol's notice '{expected}'");

        var pending = $"{later.Last}-{later.Last}@{direct.Epoch}";
        await ProcessCluster.Eventually(async () =>
        {
            var judged = await follower.CommandAsync(None, "CHORUS.SESSION", "NOTICES", "dave", "PENDING", pending);
            output.WriteLine($"NOTICES dave PENDING {pending} at n3: {judged}");
            return !judged.IsError && judged.Items[0].Integer >= later.Last && judged.Items.Skip(1).Any(n => n.AsString() == expected);
        }, TimeSpan.FromSeconds(30), "dave's pending write judged lost");
        // The write that is in the log is judged settled, and no notice is made for it.
        var settled = await follower.CommandAsync(None, "CHORUS.SESSION", "NOTICES", "erin", "PENDING", $"{later.First}-{later.Last}@{later.Epoch}");
        Assert.False(settled.IsError, Why(settled));
        Assert.Single(settled.Items);
    }

    private static string? Why(RespValue reply) => reply.IsError ? reply.AsString() : reply.ToString();

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
