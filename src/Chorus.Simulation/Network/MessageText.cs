using System.Globalization;
using System.IO.Hashing;
using Chorus.Core.Encoding;
using Chorus.Core.Messaging;
using Chorus.Replication.Messages;

namespace Chorus.Simulation.Network;

/// <summary>One-line descriptions of peer messages for the event trace.</summary>
internal static class MessageText
{
    /// <summary>A message as the trace shows it: decoded when its family is single-leader.</summary>
    public static string Describe(Envelope envelope)
    {
        if (envelope.Family != MessageFamily.SingleLeader)
        {
            return $"{envelope.Family} message ({envelope.Bytes.Length} bytes)";
        }
        try
        {
            return Describe(PeerMessageCodec.Decode(envelope.Bytes));
        }
        catch (CorruptDataException e)
        {
            return $"undecodable message: {e.Message}";
        }
    }

    public static string Describe(PeerMessage message) => message switch
    {
        AppendEntries m when m.EntryCount == 0 => Invariant($"heartbeat e{m.Epoch} prev={m.Prev} last={m.LeaderLastLsn}"),
        AppendEntries m => Invariant($"append e{m.Epoch} prev={m.Prev} n={m.EntryCount} last={m.LeaderLastLsn}"),
        AppendResponse m => Invariant($"ack e{m.Epoch} last={m.Last} flushed={m.Flushed}"),
        Subscribe m => Invariant($"subscribe e{m.Epoch} last={m.Last} flushed={m.Flushed}"),
        TruncateLog m => Invariant($"truncate e{m.Epoch} keep={m.KeepThrough}"),
        _ => message.GetType().Name,
    };

    /// <summary>A short fingerprint of the encoded bytes, so a trace shows any difference in content.</summary>
    public static string Fingerprint(ReadOnlySpan<byte> encoded) => XxHash32.HashToUInt32(encoded).ToString("x8", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
