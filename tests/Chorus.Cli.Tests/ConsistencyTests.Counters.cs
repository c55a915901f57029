using System.Globalization;
using Chorus.Cli.Tests.Support;
using Chorus.Resp;

namespace Chorus.Cli.Tests;

/// <summary>
/// Issue 10, "Seeing it": per node and per session, counters of the reads a guarantee held back,
/// redirected or refused, and histograms of how stale the follower reads served were — the same
/// numbers in INFO, CHORUS.LAG and /metrics. A partial of <see cref="ConsistencyTests"/> only to
/// share its cluster (a follower lags by holding its link; starting another costs ~10 s of CPU).
/// </summary>
public sealed partial class ConsistencyTests
{
    /// <summary>Where <see cref="ReadCounters"/> were read: each window shows a part of them.</summary>
    private enum CounterSource { Info, Lag, Metrics }

    /// <summary>
    /// What a follower says about the reads it served, refused, redirected, forwarded and held back.
    /// Null: the window does not show it (CHORUS.LAG has no read-gate counters).
    /// <paramref name="StaleMsAtMost100"/>: follower reads served from data at most 100 ms old.
    /// </summary>
    private sealed record ReadCounters(
        long Served, long Refused, long Redirected, long Forwarded, long? Waited, long? HeldNotCaughtUp, long? HeldTooStale,
        long StaleMsAtMost100, long StaleMsCount, long StaleEntriesCount)
    {
        public ReadCounters Minus(ReadCounters before) => new(
            Served - before.Served, Refused - before.Refused, Redirected - before.Redirected, Forwarded - before.Forwarded,
            Waited - before.Waited, HeldNotCaughtUp - before.HeldNotCaughtUp, HeldTooStale - before.HeldTooStale,
            StaleMsAtMost100 - before.StaleMsAtMost100, StaleMsCount - before.StaleMsCount, StaleEntriesCount - before.StaleEntriesCount);

        /// <summary>The same expectation for a window that does not show the read-gate counters.</summary>
        public ReadCounters As(CounterSource source) =>
            source == CounterSource.Lag ? this with { Waited = null, HeldNotCaughtUp = null, HeldTooStale = null } : this;
    }

    /// DDIA ch. 5, "Problems with Replication Lag": each read a guarantee turned away is one that
    /// would have been stale; the operator sees how many, and how stale the reads served were.
    [Fact]
    public async Task A_lagging_followers_refused_redirected_forwarded_and_waited_reads_and_its_read_staleness_show_in_info_lag_and_metrics()
    {
        var cluster = Cluster;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await using var leader = await ConnectAsync(cluster, "n1");
        await using var plain = await ConnectAsync(cluster, "n2");
        await using var guarded = await ConnectAsync(cluster, "n2");
        await using var control = await ConnectAsync(cluster, "n2");
        var sessionId = "counters-" + Guid.NewGuid().ToString("N");
        Assert.False((await guarded.CommandAsync(None, "CHORUS.SESSION", sessionId)).IsError);
        Assert.Equal("OK", (await leader.CommandAsync(None, "SET", "stock", "old")).AsString());
        await cluster.WaitForReplicationAsync();
        var start = await SnapshotAsync(cluster, http);

        // Current follower: eventual reads are served and counted in the staleness histograms.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("old", (await plain.CommandAsync(None, "GET", "stock")).AsString());
        }
        var current = await ExpectDeltaAsync(cluster, http, start, new ReadCounters(3, 0, 0, 0, 0, 0, 0, 0, 3, 3), staleMsAsserted: false);

        // Lagging follower: what a guarantee turns away is counted, never served stale.
        Assert.Equal("OK", (await control.CommandAsync(None, "CHORUS.FAULT", "LINK", "PAUSE")).AsString());
        Assert.Equal("OK", (await leader.CommandAsync(None, "SET", "stock", "new")).AsString());
        var token = (await leader.CommandAsync(None, "CHORUS.TOKEN")).AsString()!;
        for (var i = 0; i < 2; i++)
        {
            Assert.StartsWith("TRYAGAIN", (await guarded.CommandAsync(None, "CHORUS.READ", "eventual", "AFTER", token, "WAIT", "0", "GET", "stock")).AsString());
        }
        var moved = $"MOVED 0 127.0.0.1:{cluster["n1"].Port}";
        Assert.Equal(moved, (await guarded.CommandAsync(None, "CHORUS.READ", "eventual", "AFTER", token, "WAIT", "0", "ONTIMEOUT", "redirect", "GET", "stock")).AsString());
        // n2 hears nothing while its link is held: once 150 ms have passed its data is over 100 ms old.
        await ProcessCluster.Eventually(async () => LagField(await control.CommandAsync(None, "CHORUS.LAG"), "last_heard_ms_ago").AsInteger() > 150,
            TimeSpan.FromSeconds(20), "n2 heard nothing for 150 ms");
        Assert.Equal(moved, (await guarded.CommandAsync(None, "CHORUS.READ", "bounded", "100", "WAIT", "0", "ONTIMEOUT", "redirect", "GET", "stock")).AsString());
        Assert.Equal("new", (await guarded.CommandAsync(None, "CHORUS.READ", "eventual", "AFTER", token, "WAIT", "0", "ONTIMEOUT", "forward", "GET", "stock")).AsString());
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal("old", (await plain.CommandAsync(None, "GET", "stock")).AsString());
        }
        // Refused 2, redirected 2 (AFTER, bounded), forwarded 1; held back: 4 not caught up
        // (the forwarded one too, before it went to the leader), 1 too stale; 4 stale reads served.
        var lagging = await ExpectDeltaAsync(cluster, http, current, new ReadCounters(4, 2, 2, 1, 0, 4, 1, 0, 4, 4), staleMsAsserted: true);

        // A read that waits in the read gate and is served once the link is back. It counts as
        // waited once it is in the gate: the connection shows CHORUS.READ running before the link
        // resumes, and the read checks its guarantee (and enters the gate) right after starting.
        // (CLIENT SETNAME first, so that CLIENT LIST's cmd= names the waiting read, not an earlier one.)
        Assert.Equal("OK", (await guarded.CommandAsync(None, "CLIENT", "SETNAME", "guarded")).AsString());
        var waiting = guarded.CommandAsync(None, "CHORUS.READ", "eventual", "AFTER", token, "WAIT", "20000", "GET", "stock");
        await ProcessCluster.Eventually(async () => (await control.CommandAsync(None, "CLIENT", "LIST")).AsString()!
                .Split('\n').Any(c => c.Contains(" name=guarded ", StringComparison.Ordinal) && c.Contains(" cmd=chorus.read ", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(20), "n2 runs the waiting CHORUS.READ");
        Assert.False(waiting.IsCompleted, "the read waits while the link is held");
        Assert.False((await control.CommandAsync(None, "CHORUS.FAULT", "LINK", "RESUME")).IsError);
        Assert.Equal("new", (await waiting).AsString());
        var end = await ExpectDeltaAsync(cluster, http, lagging, new ReadCounters(1, 0, 0, 0, 1, 0, 0, 0, 1, 1), staleMsAsserted: false);

        // Every follower read served is in both histograms, once.
        var total = end[CounterSource.Info].Minus(start[CounterSource.Info]);
        Assert.Equal(8, total.Served);
        Assert.Equal(total.Served, total.StaleMsCount);
        Assert.Equal(total.Served, total.StaleEntriesCount);

        // Per session: the bound connection's guarded reads (its node's own counts).
        var session = await guarded.CommandAsync(None, "CHORUS.SESSION", "INFO");
        output.WriteLine($"CHORUS.SESSION INFO on n2: {session}");
        Assert.Equal(6, session.Field("reads").AsInteger());
        Assert.Equal(4, session.Field("reads_refused").AsInteger()); // TRYAGAIN and MOVED
        Assert.Equal(1, session.Field("reads_forwarded").AsInteger());
        Assert.Equal(1, session.Field("reads_waited").AsInteger());
    }

    /// <summary>
    /// Waits until every window shows <paramref name="expected"/> more than <paramref name="before"/>
    /// (/metrics may serve a scrape cached for a moment), then asserts it; returns the new readings.
    /// </summary>
    private async Task<Dictionary<CounterSource, ReadCounters>> ExpectDeltaAsync(
        ProcessCluster cluster, HttpClient http, Dictionary<CounterSource, ReadCounters> before, ReadCounters expected, bool staleMsAsserted)
    {
        bool Matches(Dictionary<CounterSource, ReadCounters> readings) =>
            readings.All(r => Shown(r.Value.Minus(before[r.Key]), expected, staleMsAsserted) == expected.As(r.Key));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        var after = await SnapshotAsync(cluster, http);
        while (!Matches(after) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(25, TestContext.Current.CancellationToken);
            after = await SnapshotAsync(cluster, http);
        }
        foreach (var (source, reading) in after)
        {
            output.WriteLine($"{source}: {reading}");
            Assert.Equal(expected.As(source), Shown(reading.Minus(before[source]), expected, staleMsAsserted));
        }
        return after;
    }

    /// <summary>How many fresh reads land at most 100 ms depends on the heartbeat's timing: asserted only where the follower was known to be stale.</summary>
    private static ReadCounters Shown(ReadCounters delta, ReadCounters expected, bool staleMsAsserted) =>
        staleMsAsserted ? delta : delta with { StaleMsAtMost100 = expected.StaleMsAtMost100 };

    private static async Task<Dictionary<CounterSource, ReadCounters>> SnapshotAsync(ProcessCluster cluster, HttpClient http) => new()
    {
        [CounterSource.Info] = FromInfo(await cluster.InfoAsync("n2", "stats")),
        [CounterSource.Lag] = FromLag(await cluster.CommandAsync("n2", "CHORUS.LAG")),
        [CounterSource.Metrics] = FromMetrics(await http.GetStringAsync($"http://127.0.0.1:{cluster["n2"].HttpPort}/metrics", TestContext.Current.CancellationToken)),
    };

    private static ReadCounters FromInfo(Dictionary<string, string> info)
    {
        long Number(string name) => long.Parse(info[name], CultureInfo.InvariantCulture);
        var staleMs = Buckets(info["chorus_follower_read_staleness_ms"]);
        return new ReadCounters(Number("chorus_follower_reads_served"), Number("chorus_guarded_reads_refused"), Number("chorus_guarded_reads_redirected"),
            Number("chorus_forwarded_reads"), Number("chorus_guarded_reads_waited"), Number("chorus_reads_held_not_caught_up"), Number("chorus_reads_held_too_stale"),
            staleMs["le100"], staleMs["all"], Buckets(info["chorus_follower_read_staleness_entries"])["all"]);
    }

    private static ReadCounters FromLag(RespValue lag)
    {
        var staleMs = Buckets(LagField(lag, "read_staleness_ms").AsString()!);
        return new ReadCounters(LagField(lag, "reads_served").AsInteger(), LagField(lag, "reads_refused").AsInteger(), LagField(lag, "reads_redirected").AsInteger(),
            LagField(lag, "reads_forwarded").AsInteger(), null, null, null,
            staleMs["le100"], staleMs["all"], Buckets(LagField(lag, "read_staleness_entries").AsString()!)["all"]);
    }

    private static ReadCounters FromMetrics(string text)
    {
        var metrics = PrometheusText.Parse(text);
        return new ReadCounters(
            metrics.Value(StalenessMs + "_count"), metrics.Value("chorus_guarded_reads_refused_total"), metrics.Value("chorus_guarded_reads_redirected_total"),
            metrics.Value("chorus_forwarded_reads_total"), metrics.Value("chorus_guarded_reads_waited_total"),
            metrics.Value("chorus_reads_held_back_total", ("reason", "not_caught_up")), metrics.Value("chorus_reads_held_back_total", ("reason", "too_stale")),
            metrics.Value(StalenessMs + "_bucket", ("le", "100")), metrics.Value(StalenessMs + "_bucket", ("le", "+Inf")), metrics.Value(StalenessEntries + "_count"));
    }

    /// <summary>The staleness histograms' names as the Prometheus exporter writes them (it appends the unit "ms" as _milliseconds).</summary>
    private const string StalenessMs = "chorus_follower_read_staleness_ms_milliseconds";

    private const string StalenessEntries = "chorus_follower_read_staleness_entries";

    /// <summary>A field of a follower's CHORUS.LAG reply (a map of its id to its fields).</summary>
    private static RespValue LagField(RespValue lag, string name) => lag.Field("n2").Field(name);

    /// <summary>INFO's and CHORUS.LAG's cumulative buckets, <c>le1=3,…,all=9</c>.</summary>
    private static Dictionary<string, long> Buckets(string text) =>
        text.Split(',').Select(b => b.Split('=')).ToDictionary(p => p[0], p => long.Parse(p[1], CultureInfo.InvariantCulture));
}
