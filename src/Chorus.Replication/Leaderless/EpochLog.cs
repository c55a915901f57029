using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Replication.Log;

namespace Chorus.Replication.Leaderless;

/// <summary>
/// A leaderless node's own log: the key images and ring configurations it stored, one epoch,
/// numbered locally (no other node ever sees these LSNs). It gives each store the shell's atomic
/// append-and-apply, crash safety and change data capture.
/// </summary>
internal sealed class EpochLog(NodeId self, EpochHistory history, LeaderlessContext context)
{
    private static readonly Epoch OnlyEpoch = new(1);

    public EpochHistory History => history;

    public Lsn Last => history.Last.Lsn;

    public LogEntry Append(PayloadKind kind, ReadOnlySpan<byte> payload)
    {
        var entry = LogEntry.Create(new LogPosition(OnlyEpoch, history.Last.Lsn.Next), context.Clock.Now(context.NowMs), self, kind, payload);
        history.Append(entry.Position);
        return entry;
    }
}
