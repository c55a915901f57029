using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Replication.Messages;
using Chorus.Simulation.Network;

namespace Chorus.Simulation.Variants;

/// <summary>
/// BROKEN ON PURPOSE: a follower that applies entries out of order. Every batch of two or more
/// entries for <paramref name="victim"/> is rewritten so each position carries the next entry's
/// payload (rotated). Positions, epochs and the batch framing stay valid, so every check the
/// follower makes passes — but what it applies at LSN n is what the leader wrote at n+1, and its
/// state stops being a prefix of the leader's log.
/// </summary>
internal sealed class OutOfOrderFollower(NodeId victim) : IMessageTamper
{
    public PeerMessage Tamper(PeerMessage message)
    {
        if (message is not AppendEntries { EntryCount: >= 2 } append || append.To != victim)
        {
            return message;
        }
        var entries = LogEntryBatch.Decode(append.Entries);
        var rotated = new List<LogEntry>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            var next = entries[(i + 1) % entries.Count];
            rotated.Add(LogEntry.Create(entries[i].Position, entries[i].Timestamp, entries[i].Origin, next.Kind, next.Payload.Span));
        }
        return append with { Entries = LogEntryBatch.Encode(rotated) };
    }
}
