using Chorus.Replication;

namespace Chorus.Node;

/// <summary>
/// Publishes the core's status for other threads (INFO, ROLE, metrics, connection threads that
/// route writes): every interval, and at once whenever something a client could have just been
/// told (a role, an epoch, a refusal, a degradation, the settings) changed — so a reply is never
/// followed by an INFO that contradicts it.
/// </summary>
internal sealed class StatusPublisher(int intervalMs, NodeStatus initial)
{
    private volatile NodeStatus _current = initial;
    private long _nextAtMs;

    public NodeStatus Current => _current;

    public void PublishIfDue(IReplicationCore core, long nowMs)
    {
        if (nowMs >= _nextAtMs)
        {
            Publish(core, nowMs);
        }
    }

    public void PublishIfChanged(IReplicationCore core, long nowMs)
    {
        if (_current.Fingerprint != core.StatusFingerprint)
        {
            Publish(core, nowMs);
        }
    }

    public void Publish(IReplicationCore core, long nowMs)
    {
        _nextAtMs = nowMs + intervalMs;
        _current = core.Describe();
    }
}
