using Chorus.Core.Encoding;
using Chorus.Core.Log;
using Chorus.Core.Versions;
using Chorus.Replication.Leaderless;
using Chorus.Replication.Leaderless.Messages;
using Chorus.Replication.Membership;
using Chorus.Replication.Messages;

namespace Chorus.Peer.Fuzz;

/// <summary>
/// One fuzz input through the decoders a peer's bytes reach. The first byte chooses the decoder
/// (a peer message, a log entry, a batch of entries, cluster settings; a leaderless message, a
/// leaderless key's versions in wire form, a leaderless ring); the rest is its input.
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
        LeaderlessMessage = 4,
        KeyVersions = 5,
        Ring = 6,
    }

    private const int DecoderCount = 7;

    public static void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }
        var bytes = input[1..].ToArray();
        try
        {
            switch ((Decoder)(input[0] % DecoderCount))
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
                case Decoder.ClusterSettings:
                    var settings = ClusterSettings.Decode(bytes);
                    Same(settings.Encode(), ClusterSettings.Decode(settings.Encode()).Encode(), "cluster settings");
                    break;
                case Decoder.LeaderlessMessage:
                    LeaderlessRoundTrip(bytes);
                    break;
                case Decoder.KeyVersions:
                    VersionsRoundTrip(bytes);
                    break;
                default:
                    var ring = RingConfig.Decode(bytes);
                    Same(ring.Encode(), RingConfig.Decode(ring.Encode()).Encode(), "leaderless ring");
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

    /// <summary>
    /// A leaderless message, then what a node decodes out of it: every versions field (the core
    /// merges them) and a gossiped ring. Each part may be refused on its own, as the core would.
    /// </summary>
    private static void LeaderlessRoundTrip(byte[] bytes)
    {
        var message = LeaderlessCodec.Decode(bytes);
        var canonical = LeaderlessCodec.Encode(message);
        Same(canonical, LeaderlessCodec.Encode(LeaderlessCodec.Decode(canonical)), message.GetType().Name);
        IEnumerable<byte[]> nested = message switch
        {
            Store m => [m.Versions],
            Fetched m => m.Versions,
            Coordinated m => [m.Versions],
            RangeKeys m => m.Keys.Select(k => k.Versions),
            _ => [],
        };
        foreach (var versions in nested)
        {
            try
            {
                VersionsRoundTrip(versions);
            }
            catch (CorruptDataException)
            {
                // the core refuses this part; the message around it decoded
            }
        }
        if (message is RingUpdate update)
        {
            try
            {
                var ring = RingConfig.Decode(update.Ring);
                Same(ring.Encode(), RingConfig.Decode(ring.Encode()).Encode(), "leaderless ring");
            }
            catch (CorruptDataException)
            {
                // likewise
            }
        }
    }

    private static void VersionsRoundTrip(byte[] bytes)
    {
        var set = KeyVersions.Decode(bytes);
        var canonical = KeyVersions.Encode(set);
        Same(canonical, KeyVersions.Encode(KeyVersions.Decode(canonical)), "key versions");
        _ = KeyVersions.Winner(set);
        var (block, body) = KeyVersions.ToRecord(set);
        Same(canonical, KeyVersions.Encode(KeyVersions.FromRecord(block, body ?? [])), "key versions in record form");
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
