using Chorus.Core;
using Chorus.Resp;

namespace Chorus.Simulation.Clients;

/// <summary>A node's answer to one request: a reply per command, and for writes where each landed in the log.</summary>
internal sealed record ClientReply(IReadOnlyList<RespValue> Replies, IReadOnlyList<LogPosition?> Positions)
{
    /// <summary>For a guarded read: the log position the node served it at (what the session has now seen; zero: not served).</summary>
    public Lsn ServedAt { get; init; }
}
