namespace Chorus.Node;

/// <summary>
/// One round of the node's loop, the same in production and in the simulator: the core is ticked
/// once with the round's time; every waiting peer and control input is handled (up to a limit)
/// and what they decided is carried out, so a follower's replicated entries are applied before
/// any write reads the keyspace; then client writes execute (up to a budget of commands) and the
/// Ready they produce is carried out — the leader's append and the AppendEntries for the same
/// entries in one go. Storage writes (and fsyncs) happen here, so while one group commits the
/// next gathers in the inbox: group commit without extra machinery.
/// </summary>
public static class LoopRound
{
    /// <summary>Peer and control inputs handled per round at most.</summary>
    public const int ControlInputsMax = 4096;

    /// <summary>Client commands executed per round at most (whole batches; a batch is never split): bounds a round's length.</summary>
    public const int ClientCommandsMax = 4096;

    /// <summary>Runs one round at <paramref name="nowMs"/>; returns the number of inputs handled.</summary>
    public static int Run(NodeDriver driver, NodeInbox inbox, long nowMs)
    {
        driver.BeginRound(nowMs);
        var handled = 0;
        while (handled < ControlInputsMax && inbox.TryTakeControl(out var input))
        {
            driver.Handle(input);
            handled++;
        }
        driver.ProcessReady();
        var commands = 0;
        while (commands < ClientCommandsMax && inbox.TryTakeClient(out var writes))
        {
            driver.Submit(writes.Batch);
            commands += Math.Max(1, writes.Batch.Commands.Count);
            handled++;
        }
        driver.EndRound();
        return handled;
    }
}
