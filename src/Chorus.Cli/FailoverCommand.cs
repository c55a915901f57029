using System.CommandLine;
using System.Diagnostics;
using System.Globalization;

namespace Chorus.Cli;

/// <summary>
/// `chorus failover --to nX`: a manual failover of the local cluster. Asks the current leader
/// for Redis's FAILOVER TO (pause writes, wait for the target to hold every entry, hand over,
/// resume on the new leader), then waits until the target leads. With --force, when no node
/// leads (the leader is gone and failover is manual), the target stands for election at once.
/// </summary>
internal static class FailoverCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Where `cluster up` keeps its data.", DefaultValueFactory = _ => "data" };
        var to = new Option<string>("--to") { Description = "The node that should lead.", Required = true };
        var timeout = new Option<int>("--timeout-ms") { Description = "Give up (and resume writes on the old leader) after this long.", DefaultValueFactory = _ => 10_000 };
        var force = new Option<bool>("--force") { Description = "If no node leads, make the target stand for election now (CHORUS.ELECT)." };
        var command = new Command("failover", "Hand leadership to another node without losing acknowledged writes.") { data, to, timeout, force };
        command.SetAction((r, ct) => RunAsync(r.GetValue(data)!, r.GetValue(to)!, r.GetValue(timeout), r.GetValue(force), ct));
        return command;
    }

    private static async Task<int> RunAsync(string dataRoot, string targetId, int timeoutMs, bool force, CancellationToken cancellationToken)
    {
        if (ClusterFile.Load(dataRoot) is not { } cluster)
        {
            await Console.Error.WriteLineAsync($"chorus failover: no {ClusterFile.FileName} in '{dataRoot}' (start a cluster with `chorus cluster up`)");
            return 2;
        }
        if (cluster.Members.FirstOrDefault(m => m.Id == targetId) is not { } target)
        {
            await Console.Error.WriteLineAsync($"chorus failover: {targetId} is not a member ({string.Join(", ", cluster.Members.Select(m => m.Id))})");
            return 2;
        }
        var clock = Stopwatch.StartNew();
        var leader = await cluster.FindLeaderAsync(cancellationToken);
        if (leader?.Id == targetId)
        {
            Console.WriteLine($"{targetId} already leads");
            return 0;
        }
        var (request, asked) = leader is null
            ? (force ? new[] { "CHORUS.ELECT" } : null, target)
            : (new[] { "FAILOVER", "TO", target.Host, Text(target.Port), "TIMEOUT", Text(timeoutMs) }, leader);
        if (request is null)
        {
            await Console.Error.WriteLineAsync("chorus failover: no node leads now; pass --force to make the target stand for election");
            return 1;
        }
        var reply = await asked.SendAsync(cancellationToken, request);
        if (reply.IsError)
        {
            await Console.Error.WriteLineAsync($"chorus failover: {asked.Id} refused: {reply.AsString()}");
            return 1;
        }
        Console.WriteLine(leader is null
            ? $"{targetId} stands for election"
            : $"{leader.Id} paused writes and hands over to {targetId} once it holds every entry");
        var deadline = TimeSpan.FromMilliseconds(timeoutMs) + TimeSpan.FromSeconds(5);
        while (clock.Elapsed < deadline)
        {
            var info = await NodeInfo.TryFetchAsync(target.Host, target.Port, cancellationToken);
            if (info?.GetValueOrDefault("chorus_role") == "leader")
            {
                Console.WriteLine($"{targetId} leads epoch {info.GetValueOrDefault("chorus_epoch")} (after {clock.ElapsedMilliseconds} ms)");
                return 0;
            }
            await Task.Delay(50, cancellationToken);
        }
        await Console.Error.WriteLineAsync($"chorus failover: {targetId} did not become leader within {deadline.TotalSeconds:0} s; see `chorus status`");
        return 1;
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
