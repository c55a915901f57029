using Chorus.Core.Encoding;
using Chorus.Core.Log;
using Chorus.Replication.Membership;
using Chorus.Replication.Messages;

namespace Chorus.Peer.Fuzz;

/// <summary>
/// One fuzz input through the decoders a peer's bytes reach. The first byte chooses the decoder
/// (a peer message, a log entry, a batch of entries, cluster settings); the rest is its input.
/// Bytes that do not decode must be refused with <see cref="CorruptDataException"/> — any other
/// exception is a crash — and what decodes must encode to a canonical form that decodes to the
/// same thing and encodes to the same bytes again.
/// </summary>
public static class PeerCodecTarget
{
    public enum Decoder : byte
    {
        PeerMessage = 0,
        LogEntry = 1,
        LogEntryBatch = 2,
        ClusterSettings = 3,
    }

    public static void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }
        var bytes = input[1..].ToArray();
        try
        {
            switch ((Decoder)(input[0] % 4))
            {
                case Decoder.PeerMessage:
                    PeerMessageRoundTrip(bytes);
                    break;
                case Decoder.LogEntry:
                    LogEntryRoundTrip(LogEntryCodec.Decode(bytes), bytes);
                    break;
                case Decoder.LogEntryBatch:
                    foreach (var entry in LogEntryBatch.Decode(bytes))
                    {
                        LogEntryRoundTrip(entry, entry.Encoded.ToArray());
                    }
                    break;
                default:
                    var settings = ClusterSettings.Decode(bytes);
                    Same(settings.Encode(), ClusterSettings.Decode(settings.Encode()).Encode(), "cluster settings");
                    break;
            }
        }
        catch (CorruptDataException)
        {
            // refused: what a hostile or broken peer's bytes must get
        }
    }

    private static void PeerMessageRoundTrip(byte[] bytes)
    {
        var message = PeerMessageCodec.Decode(bytes);
        var canonical = PeerMessageCodec.Encode(message);
        var again = PeerMessageCodec.Decode(canonical);
        Same(canonical, PeerMessageCodec.Encode(again), message.GetType().Name);
        if (again is AppendEntries append)
        {
            foreach (var entry in LogEntryBatch.Decode(append.Entries))
            {
                LogEntryRoundTrip(entry, entry.Encoded.ToArray());
            }
        }
    }

    /// <summary>Log entries have one encoding (canonical varints, ASCII origin): it is exactly the input.</summary>
    private static void LogEntryRoundTrip(LogEntry entry, byte[] input) =>
        Same(input, LogEntryCodec.Encode(entry.Position, entry.Timestamp, entry.Origin, entry.Kind, entry.Payload.Span), "log entry");

    private static void Same(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, string what)
    {
        if (!expected.SequenceEqual(actual))
        {
            throw new InvalidOperationException($"{what} does not round-trip: {Convert.ToHexString(expected)} became {Convert.ToHexString(actual)}");
        }
    }
}
