using Chorus.Node;
using Chorus.Replication;
using Microsoft.Extensions.Logging;

namespace Chorus.Server.Hosting;

/// <summary>
/// The node's single thread: runs <see cref="LoopRound"/>s — the same rounds the simulator runs —
/// one after another, sleeping up to a tick interval when the inbox is empty. A round that
/// throws stops the node: its state can no longer be trusted.
/// </summary>
internal sealed class NodeLoop(NodeDriver driver, NodeInbox inbox, TimeProvider clock, ILogger logger)
{
    private static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(10);

    private Thread? _thread;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the loop ends; faults if the node hit an error it cannot continue from.</summary>
    public Task Stopped => _stopped.Task;

    public long NowMs => clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Repeats the core's latest heartbeats and acknowledgements while a round runs long; null: none.</summary>
    public BusyLoopKeepAlive? KeepAlive { get; init; }

    /// <summary>A round at least this long is logged, with how many messages kept the peers hearing from this node meanwhile.</summary>
    public const long SlowRoundMs = 1000;

    /// <summary>How often the keep-alive thread looks at the loop: a fraction of a heartbeat interval.</summary>
    private static readonly TimeSpan KeepAliveCheckInterval = TimeSpan.FromMilliseconds(20);

    public void Start()
    {
        driver.Start(NowMs);
        _thread = new Thread(Run) { Name = "chorus-node-loop", IsBackground = true };
        _thread.Start();
        if (KeepAlive is { } keepAlive)
        {
            // A thread of its own: the loop it watches is the one that is busy, and a thread-pool
            // timer would wait behind whatever else starves the pool on two cores.
            new Thread(() => RunKeepAlive(keepAlive)) { Name = "chorus-keepalive", IsBackground = true }.Start();
        }
    }

    private void RunKeepAlive(BusyLoopKeepAlive keepAlive)
    {
        while (!_stopping.Token.WaitHandle.WaitOne(KeepAliveCheckInterval))
        {
            keepAlive.RepeatDue(NowMs);
        }
    }

    public async Task StopAsync()
    {
        await _stopping.CancelAsync();
        await _stopped.Task.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private void Run()
    {
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                RunRound();
            }
            ReleaseWaiters();
            _stopped.TrySetResult();
        }
        catch (Exception e)
        {
            // An invariant broke or storage failed: the state can no longer be trusted, so stop.
            logger.LogCritical(e, "the node loop failed; the node stops to protect its data");
            ReleaseWaiters();
            _stopped.TrySetException(e);
        }
    }

    /// <summary>Nobody may be left waiting on a loop that has stopped.</summary>
    private void ReleaseWaiters()
    {
        driver.FailPending();
        while (inbox.TryTake(out var input))
        {
            switch (input)
            {
                case ClientWritesInput writes:
                    writes.Batch.Fail(new NodeStopping(MayHaveApplied: false));
                    break;
                case WaitReplicasInput wait:
                    wait.Completion.TrySetResult(0);
                    break;
                case CreateCheckpointInput checkpoint:
                    checkpoint.Completion.TrySetException(new InvalidOperationException("the node is stopping"));
                    break;
                case AdminInput admin:
                    admin.Completion.TrySetResult(NodeStoppingError);
                    break;
                case RefreshStatusInput refresh:
                    refresh.Completion.TrySetResult(null);
                    break;
                case UnblockInput unblock:
                    unblock.Completion.TrySetResult(false);
                    break;
            }
        }
    }

    public const string NodeStoppingError = "TRYAGAIN the node is stopping";

    private void RunRound()
    {
        if (inbox.Count == 0)
        {
            inbox.WaitForInput(TickInterval, _stopping.Token);
        }
        var startedAtMs = NowMs;
        var repeatsBefore = KeepAlive?.Repeats ?? 0;
        KeepAlive?.RoundStarted(startedAtMs);
        LoopRound.Run(driver, inbox, startedAtMs);
        KeepAlive?.RoundEnded();
        var tookMs = NowMs - startedAtMs;
        if (tookMs >= SlowRoundMs)
        {
            logger.LogInformation("a loop round took {Ms} ms; {Repeats} heartbeats or acknowledgements were repeated meanwhile so that peers kept hearing from this node",
                tookMs, (KeepAlive?.Repeats ?? 0) - repeatsBefore);
        }
    }
}
