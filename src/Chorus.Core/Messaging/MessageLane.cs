namespace Chorus.Core.Messaging;

/// <summary>
/// How urgent a peer message is. Bulk messages (snapshot chunks) travel on their own stream, so
/// megabytes of them never delay a heartbeat or a vote queued behind them.
/// </summary>
public enum MessageLane : byte
{
    /// <summary>Protocol traffic: heartbeats, votes, the log stream, forwarded writes.</summary>
    Control = 0,

    /// <summary>Large transfers that may wait: snapshot chunks.</summary>
    Bulk = 1,
}
