using Chorus.Node;

namespace Chorus.Server.Hosting;

/// <summary>
/// Waits for a batch the loop runs. When the wait is cancelled (the client, or the follower that
/// forwarded a blocking command, went away) a blocked command is let go on the loop first, so it
/// never pops an element for nobody — and the batch is not reused while the loop still holds it.
/// </summary>
internal static class BlockedWait
{
    public static async Task CompletionAsync(NodeInbox inbox, ClientWriteBatch batch, CancellationToken cancellationToken)
    {
        try
        {
            await batch.Completion.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            batch.Abandoned = true;
            var released = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            inbox.Post(new UnblockInput(batch, UnblockHow.Disconnected, released));
            await released.Task;
            // Released now, skipped when it reaches the loop, or served meanwhile (then its
            // write is acknowledged or failed): either way the loop is done with the batch after this.
            await batch.Completion;
            throw;
        }
    }
}
