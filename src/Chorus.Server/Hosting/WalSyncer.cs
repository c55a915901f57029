using Chorus.Node;
using Chorus.Storage;
using Microsoft.Extensions.Logging;

namespace Chorus.Server.Hosting;

/// <summary>
/// fsync=everysec: once a second, off the node loop, makes everything written so far durable
/// and tells the loop how far that reached (followers report it as their flushed LSN).
/// </summary>
internal sealed class WalSyncer(IStorageEngine storage, NodeDriver driver, NodeInbox inbox, ILogger logger)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                SyncOnce();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            SyncOnce(); // a clean stop leaves nothing unsynced
        }
    }

    private void SyncOnce()
    {
        var written = driver.Applied.Applied;
        try
        {
            storage.Sync();
            inbox.Post(new FlushedInput(written));
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException)
        {
            logger.LogError(e, "background fsync failed");
        }
    }
}
