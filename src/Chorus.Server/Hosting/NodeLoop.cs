using Chorus.Node;
using Microsoft.Extensions.Logging;

namespace Chorus.Server.Hosting;

/// <summary>
/// The node's single thread: takes inputs from the inbox, hands them to the
/// <see cref="NodeDriver"/>, ticks it, and lets it carry out what the core decided. Storage
/// writes (and fsyncs, under fsync=always) happen here, so while one group commits the next
/// one gathers in the inbox: group commit without extra machinery.
/// </summary>
internal sealed class NodeLoop(NodeDriver driver, NodeInbox inbox, TimeProvider clock, ILogger logger)
{
    public const int InputsPerRoundMax = 4096;
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

    private void CreateCheckpoint(CreateCheckpointInput checkpoint)
    {
        try
        {
            checkpoint.Completion.TrySetResult(driver.CreateCheckpoint(checkpoint.Directory, checkpoint.Requester));
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            logger.LogError(e, "could not create a checkpoint in {Directory}", checkpoint.Directory);
            checkpoint.Completion.TrySetException(e);
        }
    }

    /// <summary>Nobody may be left waiting on a loop that has stopped.</summary>
    private void ReleaseWaiters()
    {
        driver.FailPending(NodeStoppingError + "; the write's outcome is unknown");
        while (inbox.TryTake(out var input))
        {
            switch (input)
            {
                case ClientWritesInput writes:
                    writes.Batch.Fail(NodeStoppingError + "; the write was not applied");
                    break;
                case WaitReplicasInput wait:
                    wait.Completion.TrySetResult(0);
                    break;
                case ChangeSettingsInput change:
                    change.Completion.TrySetResult(NodeStoppingError + "; the settings were not changed");
                    break;
                case CreateCheckpointInput checkpoint:
                    checkpoint.Completion.TrySetException(new InvalidOperationException("the node is stopping"));
                    break;
                case AdminInput admin:
                    admin.Completion.TrySetResult(NodeStoppingError);
                    break;
            }
        }
    }

    public const string NodeStoppingError = "TRYAGAIN the node is stopping";

    private void RunRound()
    {
        if (!inbox.TryTake(out var input))
        {
            inbox.WaitForInput(TickInterval, _stopping.Token);
            driver.Tick(NowMs);
            driver.ProcessReady();
            return;
        }
        var now = NowMs;
        var handled = 0;
        do
        {
            Handle(input, now);
        }
        while (++handled < InputsPerRoundMax && inbox.TryTake(out input));
        driver.Tick(now);
        driver.ProcessReady();
    }

    private void Handle(NodeInput input, long now)
    {
        switch (input)
        {
            case ClientWritesInput writes:
                driver.Submit(writes.Batch, now);
                break;
            case PeerMessageInput peer:
                driver.Receive(peer.Message, now);
                break;
            case PeerConnectedInput connected:
                driver.OnPeerConnected(connected.Peer);
                break;
            case FlushedInput flushed:
                driver.OnFlushed(flushed.Lsn);
                break;
            case ChangeSettingsInput change:
                driver.ChangeSettings(change.Change, change.Completion);
                break;
            case CreateCheckpointInput checkpoint:
                CreateCheckpoint(checkpoint);
                break;
            case AdminInput admin:
                admin.Completion.TrySetResult(admin.Action(driver));
                break;
            case WaitReplicasInput wait:
                driver.WaitForReplicas(wait.Lsn, wait.Count, wait.TimeoutMs == 0 ? -1 : now + wait.TimeoutMs, wait.Completion);
                break;
        }
    }
}
