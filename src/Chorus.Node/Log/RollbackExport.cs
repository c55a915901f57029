using Chorus.Storage;
using Microsoft.Extensions.Logging;

namespace Chorus.Node;

/// <summary>
/// Moves staged rollbacks (<see cref="PendingRollbacks"/>) out to the <see cref="IRollbackSink"/>:
/// at start (any a previous run could not write), right after each truncation, and again every
/// <see cref="RetryMs"/> while one is waiting. A sink that fails never stops the node: the entries
/// stay in the database, the error is logged, and the retry is timed by the loop's clock reading.
/// </summary>
internal sealed class RollbackExport(IStorageEngine storage, IRollbackSink sink, ILogger logger)
{
    /// <summary>How long to wait before retrying a rollback file that could not be written.</summary>
    public const long RetryMs = 10_000;

    private long _nextRetryAtMs = long.MaxValue;

    /// <summary>Rollbacks whose file could not be written yet.</summary>
    public int Pending { get; private set; }

    /// <summary>Hands every staged rollback to the sink now; on a failure, schedules a retry from <paramref name="nowMs"/>.</summary>
    public void Export(long nowMs)
    {
        if (PendingRollbacks.Export(storage, sink) is not { } failure)
        {
            Pending = 0;
            _nextRetryAtMs = long.MaxValue;
            return;
        }
        Pending = PendingRollbacks.Count(storage);
        _nextRetryAtMs = nowMs + RetryMs;
        logger.LogError(failure, "could not write a rollback file; {Count} rollback(s) stay in the database and are retried in {RetryMs} ms", Pending, RetryMs);
    }

    /// <summary>Called every loop round: retries once the retry time has come.</summary>
    public void RetryIfDue(long nowMs)
    {
        if (nowMs >= _nextRetryAtMs)
        {
            Export(nowMs);
        }
    }
}
