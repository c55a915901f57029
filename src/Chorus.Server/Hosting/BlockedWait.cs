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
            inbox.Post(new UnblockInput(batch, UnblockHow.Disconnected, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously)));
            // Released by that input, skipped when it reaches the loop, served meanwhile (its write
            // then acknowledged or failed), or failed by a loop that stops: the batch always
            // completes, and only then is the loop done with it.
            await batch.Completion;
            throw;
        }
    }
}
