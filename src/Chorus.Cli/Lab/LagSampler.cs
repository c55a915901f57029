using System.Globalization;

namespace Chorus.Cli.Lab;

/// <summary>
/// Samples replication lag while a run goes on: every few hundred milliseconds it asks each
/// node for INFO replication and records, from whichever node says it leads, each follower's
/// lag in entries and milliseconds (the `slaveN:` lines). Between multi-leader sites
/// (<c>sites</c>), each site leader's outbound links instead (INFO sites, `linkN:` lines), as
/// "s1→s2". A paused or dead node just does not answer in time.
/// </summary>
internal sealed class LagSampler
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    public static async Task RunAsync(LabCluster cluster, LabRecorder recorder, CancellationToken cancellationToken, bool sites = false)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var at = recorder.NowUs;
            var infos = await Task.WhenAll(cluster.Members.Select(m => FetchAsync(m, sites ? "sites" : "replication", cancellationToken)));
            for (var i = 0; i < infos.Length; i++)
            {
                foreach (var sample in sites ? SiteLinks(cluster.Members[i].Id, infos[i]) : Followers(infos[i]))
                {
                    recorder.Lag(sample with { AtUs = at });
                }
            }
            try
            {
                await Task.Delay(Interval, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static IEnumerable<LagSample> Followers(Dictionary<string, string>? info) =>
        info?.GetValueOrDefault("chorus_role") != "leader" ? []
            : info.Where(f => f.Key.StartsWith("slave", StringComparison.Ordinal)).Select(f => Parse(f.Value, "node")).OfType<LagSample>();

    private static IEnumerable<LagSample> SiteLinks(string node, Dictionary<string, string>? info) =>
        info is null ? []
            : info.Where(f => f.Key.StartsWith("link", StringComparison.Ordinal) && f.Value.Contains("direction=outbound", StringComparison.Ordinal))
                .Select(f => Parse(f.Value, "site")).OfType<LagSample>().Select(s => s with { Node = $"{node}→{s.Node}" });

    private static async Task<Dictionary<string, string>?> FetchAsync(ClusterFile.Member member, string section, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Interval * 2);
        try
        {
            return await NodeInfo.TryFetchAsync(member.Host, member.Port, deadline.Token, section);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>"ip=...,node=n2,...,lag_entries=3,lag_ms=12,..." → a sample named by the <paramref name="name"/> field (its time set by the caller).</summary>
    private static LagSample? Parse(string line, string name)
    {
        var fields = line.Split(',').Select(f => f.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        return fields.TryGetValue(name, out var node)
            && long.TryParse(fields.GetValueOrDefault("lag_entries"), CultureInfo.InvariantCulture, out var entries)
            && long.TryParse(fields.GetValueOrDefault("lag_ms"), CultureInfo.InvariantCulture, out var ms)
                ? new LagSample(0, node, entries, ms)
                : null;
    }
}
