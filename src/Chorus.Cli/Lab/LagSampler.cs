using System.Globalization;

namespace Chorus.Cli.Lab;

/// <summary>
/// Samples replication lag while a run goes on: every few hundred milliseconds it asks each
/// node for INFO replication and records, from whichever node says it leads, each follower's
/// lag in entries and milliseconds (the `slaveN:` lines). A paused or dead node just does not
/// answer in time.
/// </summary>
internal sealed class LagSampler
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    public static async Task RunAsync(LabCluster cluster, LabRecorder recorder, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var at = recorder.NowUs;
            var infos = await Task.WhenAll(cluster.Members.Select(m => FetchAsync(m, cancellationToken)));
            foreach (var info in infos.OfType<Dictionary<string, string>>().Where(i => i.GetValueOrDefault("chorus_role") == "leader"))
            {
                foreach (var (field, value) in info.Where(f => f.Key.StartsWith("slave", StringComparison.Ordinal)))
                {
                    if (Parse(value) is { } sample)
                    {
                        recorder.Lag(sample with { AtUs = at });
                    }
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

    private static async Task<Dictionary<string, string>?> FetchAsync(ClusterFile.Member member, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Interval * 2);
        try
        {
            return await NodeInfo.TryFetchAsync(member.Host, member.Port, deadline.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>"ip=...,node=n2,...,lag_entries=3,lag_ms=12,..." → a sample (its time set by the caller).</summary>
    private static LagSample? Parse(string line)
    {
        var fields = line.Split(',').Select(f => f.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        return fields.TryGetValue("node", out var node)
            && long.TryParse(fields.GetValueOrDefault("lag_entries"), CultureInfo.InvariantCulture, out var entries)
            && long.TryParse(fields.GetValueOrDefault("lag_ms"), CultureInfo.InvariantCulture, out var ms)
                ? new LagSample(0, node, entries, ms)
                : null;
    }
}
