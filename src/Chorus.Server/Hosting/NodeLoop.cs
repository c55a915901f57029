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

    public void Start()
    {
        driver.Start(NowMs);
        _thread = new Thread(Run) { Name = "chorus-node-loop", IsBackground = true };
        _thread.Start();
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
        LoopRound.Run(driver, inbox, NowMs);
    }
}
