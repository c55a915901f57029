using Chorus.Node.ChangeCapture;

namespace Chorus.Server.ChangeCapture;

/// <summary>A consumer's read, with its wait for new commits, and the refusals in words (shared by RESP and HTTP).</summary>
internal static class CdcReader
{
    /// <summary>Reads from the request's position; with BLOCK, waits for a commit after it when there is nothing yet.</summary>
    public static async Task<ChangeBatch> ReadAsync(ChangeFeed feed, CdcRequest request, CancellationToken cancellationToken)
    {
        var batch = feed.Read(request.Cursor(feed), request.Count);
        if (batch.Status != ChangeReadStatus.Ok || batch.Events.Count > 0 || request.BlockMs < 0 || batch.Next.Next <= batch.Committed)
        {
            return batch;
        }
        var timeout = request.BlockMs == 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(request.BlockMs);
        try
        {
            if (!await feed.WaitAsync(batch.Next.Next, timeout, cancellationToken))
            {
                return batch;
            }
        }
        catch (OperationCanceledException)
        {
            return batch; // the connection is closing; nobody reads the reply
        }
        return feed.Read(batch.Next, request.Count);
    }

    /// <summary>The error a consumer gets instead of events, or null.</summary>
    public static string? Refusal(ChangeBatch batch) => batch.Status switch
    {
        ChangeReadStatus.BehindRetention =>
            $"CDCRETENTION LSN {batch.Next.Next.Value} is behind log retention: the oldest retained LSN is {batch.OldestRetained.Value}. Changes before it are gone from the log; copy the current data (SCAN) and read on from LSN {batch.OldestRetained.Value}",
        ChangeReadStatus.NotSupported =>
            "ERR change data capture reads this node's log, and this node's replication family keeps none",
        _ => null,
    };
}
