namespace Chorus.Core.Messaging;

/// <summary>
/// How urgent a peer message is. Bulk messages (log entries) travel on their own stream, so
/// megabytes of them never delay a heartbeat, a vote or an acknowledgement queued behind them.
/// Each lane keeps its messages in order; across lanes a later message may arrive first.
/// </summary>
public enum MessageLane : byte
{
    /// <summary>Protocol traffic: heartbeats, votes, acknowledgements, subscriptions.</summary>
    Control = 0,

    /// <summary>Transfers that may be large and may wait: log entries.</summary>
    Bulk = 1,
}
