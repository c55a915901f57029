using Chorus.Resp;
using Chorus.Simulation.Checkers;
using Chorus.Simulation.History;

namespace Chorus.Cli.Lab.Scenarios;

/// <summary>
/// DDIA ch. 5, "Handling Write Conflicts": two sites (datacenters) each take writes; while the
/// link between them is down, editors at both sites change the same wiki pages. When the link
/// heals, last-write-wins shows one edit per page and reports the other editor's edit as lost
/// (CHORUS.CONFLICTS): no read returns it again; with siblings every concurrent edit stays
/// readable (CHORUS.SIBLINGS), for the application to merge. Two multi-leader sites (one node each); the link is cut with
/// CHORUS.LINK CUT on both sides.
/// </summary>
internal static class ConflictingEditsScenario
{
    private const string Name = "conflicting-edits";
    private const int Pages = 10;

    public static LabScenario Definition { get; } = new(Name,
        "Conflicting edits at two sites (multi-leader)",
        "Two sites, s1 and s2, each with its own leader. An editor at each site edits the same ten wiki pages; after 1.5 s the link between the sites is cut (CHORUS.LINK CUT on both sides) and both keep editing for 3 s; then they stop, the link heals and the sites converge. "
        + "With last-write-wins, reads show the later edit of each page and the other editor's last edit is reported lost (CHORUS.CONFLICTS): no read returns it. With siblings, every concurrent edit stays readable (CHORUS.SIBLINGS) for the application to merge: none is lost.",
        RunAsync);

    private static async Task<ScenarioOutcome> RunAsync(LabContext context, CancellationToken cancellationToken)
    {
        var without = await RunOnceAsync(context, "lww", cancellationToken);
        var with = await RunOnceAsync(context, "siblings", cancellationToken);
        return new ScenarioOutcome(Definition, [without, with]);
    }

    private static async Task<LabRun> RunOnceAsync(LabContext context, string policy, CancellationToken cancellationToken)
    {
        context.Progress.WriteLine($"  {policy}: starting 2 sites...");
        var ids = SitePair.Nodes;
        await using var cluster = await SitePair.StartAsync(policy, context.LogPath(Name, policy), cancellationToken);
        var recorder = new LabRecorder();
        using var lagStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var lag = LagSampler.RunAsync(cluster, recorder, lagStop.Token, sites: true);
        var editors = ids.Select(id => new LabSession($"editor-{id[..2]}", cluster, recorder)).ToList();
        // The editors stop before the link heals, so each one's last edit of a page is concurrent with the other's.
        var cutUs = await SitePair.CutWhileClientsRunAsync(cluster, recorder,
            stop => [.. editors.Select((e, n) => LabLoop.RunAsync(i => EditAsync(e, ids[n], i), stop))], cancellationToken);
        var pages = await ConvergedPagesAsync(cluster, cancellationToken);
        recorder.Fault("sites converged");
        await LabLoop.HoldAsync(500, cancellationToken);
        await lagStop.CancelAsync();
        await lag;
        foreach (var editor in editors)
        {
            await editor.DisposeAsync();
        }
        var convergence = ConvergenceChecker.Check([.. ids.Select(id => new ReplicaState(id, true, default, pages[id].Digest))]);
        return Measure(policy, recorder, pages[ids[0]], convergence, cutUs);
    }

    private static async Task EditAsync(LabSession editor, string node, int i)
    {
        var page = $"page:{i % Pages}";
        var text = $"{editor.Name}-{i}";
        var op = await editor.RunAsync(node, OpKind.Write, page, text, ["SET", page, text], TimeSpan.FromSeconds(2), CancellationToken.None);
        await (op.Outcome == OpOutcome.Ok ? Task.Delay(30) : LabLoop.BackOffAsync());
    }

    /// <summary>What a site shows of every page: its value and its siblings (every concurrent value kept).</summary>
    private sealed record SitePages(Dictionary<string, (string? Value, List<string> Siblings)> Pages)
    {
        public string Digest => string.Join('\n', Pages.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{p.Key}={p.Value.Value}|{string.Join(',', p.Value.Siblings.Order(StringComparer.Ordinal))}"));
    }

    /// <summary>Every page at every site, once the sites have exchanged every change (see <see cref="SitePair.ReadOnceExchangedAsync"/>).</summary>
    private static Task<Dictionary<string, SitePages>> ConvergedPagesAsync(LabCluster cluster, CancellationToken cancellationToken) =>
        SitePair.ReadOnceExchangedAsync(cluster, id => ReadPagesAsync(cluster, id, cancellationToken), pages => pages.Select(p => p.Digest).Distinct().Count() == 1, cancellationToken);

    private static async Task<SitePages> ReadPagesAsync(LabCluster cluster, string id, CancellationToken cancellationToken)
    {
        var pages = new Dictionary<string, (string?, List<string>)>(StringComparer.Ordinal);
        for (var p = 0; p < Pages; p++)
        {
            var page = $"page:{p}";
            var value = await cluster.CommandAsync(id, cancellationToken, "GET", page);
            var siblings = await cluster.CommandAsync(id, cancellationToken, "CHORUS.SIBLINGS", page);
            if (value.IsError || siblings.IsError)
            {
                throw new InvalidOperationException($"reading {page} at {id}: {(value.IsError ? value : siblings).AsString()}");
            }
            pages[page] = (value.IsNull ? null : value.AsString(), SiblingValues(siblings));
        }
        return new SitePages(pages);
    }

    /// <summary>CHORUS.SIBLINGS's reply (a map in RESP3, a flat array in RESP2): the value of each sibling.</summary>
    private static List<string> SiblingValues(RespValue reply)
    {
        var fields = reply.Items;
        var index = Enumerable.Range(0, fields.Count / 2).Select(i => 2 * i).First(i => fields[i].AsString() == "siblings");
        return [.. fields[index + 1].Items.Select(SiblingValue).OfType<string>()];
    }

    private static string? SiblingValue(RespValue sibling)
    {
        var fields = sibling.Items;
        for (var i = 0; i + 1 < fields.Count; i += 2)
        {
            if (fields[i].AsString() == "value")
            {
                return fields[i + 1].IsNull ? null : fields[i + 1].AsString();
            }
        }
        return null;
    }

    private static LabRun Measure(string policy, LabRecorder recorder, SitePages final, CheckResult convergence, long cutUs)
    {
        var history = recorder.History();
        var durationUs = recorder.NowUs;
        var acknowledged = history.Operations.Where(o => o.IsAcknowledgedWrite).ToList();
        // Each editor's last word on each page should stay readable: under lww reads show the page's
        // value (the others are reported lost); under siblings the application reads every sibling.
        var lastEdits = acknowledged.GroupBy(o => (o.Client, o.Key)).Select(g => g.MaxBy(o => o.Id)!).ToList();
        bool Readable(Operation edit) => final.Pages[edit.Key].Value == edit.Value || (policy == "siblings" && final.Pages[edit.Key].Siblings.Contains(edit.Value!));
        var lost = lastEdits.Where(e => !Readable(e)).ToList();
        var latencies = acknowledged.Select(LabMeasures.LatencyMs).ToList();
        LabMetric[] metrics =
        [
            new("operations", "edits sent", LabMeasures.Count(history.Count)),
            new("acknowledged", "edits acknowledged", LabMeasures.Count(acknowledged.Count)),
            new("cut", "edits acknowledged while the sites were cut off", LabMeasures.Count(acknowledged.Count(o => o.InvokedUs >= cutUs))),
            new("anomalies", "editors' last edits no read returns", LabMeasures.Share(lost.Count, lastEdits.Count)),
            new("siblings", "pages with concurrent versions (CHORUS.SIBLINGS)", LabMeasures.Count(final.Pages.Values.Count(p => p.Siblings.Count > 1))),
            new("p50", "edit latency p50", LabMeasures.Percentile(latencies, 50)),
            new("p99", "edit latency p99", LabMeasures.Percentile(latencies, 99)),
            new("checker", "convergence checker", LabMeasures.Verdict(convergence)),
        ];
        return new LabRun(policy, $"--conflict-policies \"*={policy}\"", history, recorder.Faults, recorder.LagSamples, [convergence], metrics,
            new LabAnomalies("last edits lost (by when they were acknowledged)", LabMeasures.PerSecond(lost.Select(o => o.CompletedUs), durationUs)),
            LabHistogram.OfMilliseconds("latency of acknowledged edits (ms)", latencies), durationUs)
        {
            AnomalousOperations = lost.Select(o => o.Id).ToHashSet(),
        };
    }
}
