using Chorus.Replication;
using Chorus.Replication.Log;

namespace Chorus.Node;

/// <summary>
/// The log's backlog (DESIGN §3): every <c>intervalMs</c>, the core is told how much log this node
/// holds and decides, under the retention options, how far its front may move (never past what a
/// connected follower still needs).
/// </summary>
internal sealed class RetentionCycle(IReplicationCore core, LogWriter log, RetentionOptions options, int intervalMs)
{
    private long _nextAtMs;

    public void RunIfDue(long nowMs)
    {
        if (nowMs >= _nextAtMs)
        {
            _nextAtMs = nowMs + intervalMs;
            core.ConsiderRetention(options, log.Log.Stats(log.Applied.Lsn));
        }
    }
}
