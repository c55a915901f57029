using System.Text;
using System.Text.Json;
using Chorus.Server.Commands;
using Microsoft.Extensions.Hosting;

namespace Chorus.Server.Dashboard;

/// <summary>
/// Samples the node's published status once a second into the dashboard's history (chart
/// points), timeline and the next server-sent event. One sampler per node whatever the number
/// of open pages: each sample is built and serialized once and every viewer gets the same bytes,
/// so the cost of a viewer is one write per second. It reads only published snapshots and
/// counters (never the replication core), like /metrics does.
/// </summary>
internal sealed class DashboardFeed(NodeServices node) : BackgroundService
{
    public const int SampleIntervalMs = 1000;

    /// <summary>Five minutes of chart points.</summary>
    public const int HistoryMax = 300;

    /// <summary>Open event streams allowed at once; one more is refused with 503 (each costs a connection and a write per second).</summary>
    public const int ViewersMax = 64;

    private readonly Lock _lock = new();
    private int _viewers;
    private readonly Queue<DashboardSample> _history = new();
    private readonly DashboardTimeline _timeline = new();
    private TaskCompletionSource<byte[]> _next = NewTick();
    private DashboardTick? _latest;
    private (long AtMs, ulong Writes, long Commands)? _previous;

    /// <summary>Event streams open now.</summary>
    public int Viewers => Volatile.Read(ref _viewers);

    public bool TryAddViewer()
    {
        if (Interlocked.Increment(ref _viewers) <= ViewersMax)
        {
            return true;
        }
        Interlocked.Decrement(ref _viewers);
        return false;
    }

    public void RemoveViewer() => Interlocked.Decrement(ref _viewers);

    /// <summary>Everything a page needs on arrival: the status, the chart history and the timeline.</summary>
    public DashboardState State()
    {
        lock (_lock)
        {
            var latest = _latest ?? SampleLocked();
            return new DashboardState(latest.Status, [.. _history], latest.Timeline, SampleIntervalMs, Viewers);
        }
    }

    /// <summary>The full state as one server-sent event (what a stream starts with).</summary>
    public byte[] StateEvent() => Event("state", JsonSerializer.SerializeToUtf8Bytes(State(), DashboardJson.Options));

    /// <summary>Completes with the next sample's server-sent event.</summary>
    public Task<byte[]> NextEventAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return _next.Task.WaitAsync(cancellationToken);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(SampleIntervalMs), node.Clock);
        try
        {
            do
            {
                Publish();
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // the node is stopping
        }
    }

    private void Publish()
    {
        TaskCompletionSource<byte[]> done;
        DashboardTick tick;
        lock (_lock)
        {
            tick = SampleLocked();
            done = _next;
            _next = NewTick();
        }
        done.SetResult(Event("tick", JsonSerializer.SerializeToUtf8Bytes(tick, DashboardJson.Options)));
    }

    private DashboardTick SampleLocked()
    {
        var nowMs = node.NowMs;
        var published = node.Driver.Status;
        var status = DashboardFamilyViews.With(DashboardStatusBuilder.Build(published, node.Snapshots, node.Driver.Rollbacks, node.Driver.RolledBackEntries), published, node.Driver.Conflicts)
            with { ActionsEnabled = node.Options.DashboardActions };
        var commands = node.Stats.CommandsProcessed;
        // A leaderless node keeps no log of writes: count the writes it coordinated instead.
        var writes = status.Ring is { } ring ? (ulong)ring.Totals.Writes : status.LastLsn;
        var (writesPerSecond, commandsPerSecond) = Rates(nowMs, writes, commands);
        _previous = (nowMs, writes, commands);
        var sample = new DashboardSample(nowMs, status.LastLsn, writesPerSecond, commandsPerSecond, DashboardStatusBuilder.Lag(status));
        _history.Enqueue(sample);
        while (_history.Count > HistoryMax)
        {
            _history.Dequeue();
        }
        _timeline.Observe(status, nowMs);
        _latest = new DashboardTick(status, sample, _timeline.Events);
        return _latest;
    }

    /// <summary>Writes (log entries appended, or leaderless writes coordinated) and commands processed per second since the last sample (0 for the first; never negative: a rollback shortens the log).</summary>
    private (double Writes, double Commands) Rates(long nowMs, ulong writes, long commands)
    {
        if (_previous is not { } previous || nowMs <= previous.AtMs)
        {
            return (0, 0);
        }
        var seconds = (nowMs - previous.AtMs) / 1000.0;
        var perSecond = writes > previous.Writes ? (writes - previous.Writes) / seconds : 0;
        return (Math.Round(perSecond, 1), Math.Round(Math.Max(0, commands - previous.Commands) / seconds, 1));
    }

    private static byte[] Event(string name, byte[] json)
    {
        var head = Encoding.UTF8.GetBytes($"event: {name}\ndata: ");
        var message = new byte[head.Length + json.Length + 2];
        head.CopyTo(message, 0);
        json.CopyTo(message, head.Length);
        message[^2] = (byte)'\n';
        message[^1] = (byte)'\n';
        return message;
    }

    private static TaskCompletionSource<byte[]> NewTick() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
