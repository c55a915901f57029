using System.Buffers;
using Chorus.Core;
using Chorus.Core.Encoding;

namespace Chorus.Server.PubSub;

/// <summary>
/// A PUBLISH passed from the node that took it to one of its peers. <paramref name="AfterLsn"/> is
/// the publishing node's applied LSN when the client published: a receiver that replicates the
/// same log delivers the message only once it has applied that far, so a subscriber that reads
/// after a message sees at least the writes its publisher had seen (as on a Redis replica, where
/// PUBLISH travels in the replication stream after the writes before it). Zero: deliver at once.
/// </summary>
internal readonly record struct PeerPublication(Lsn AfterLsn, byte[] Channel, byte[] Message)
{
    private const byte Version = 1;

    public byte[] Encode()
    {
        var buffer = new ArrayBufferWriter<byte>(Channel.Length + Message.Length + 32);
        var writer = new ByteWriter(buffer);
        writer.WriteByte(Version);
        writer.WriteVarUInt(AfterLsn.Value);
        writer.WriteLengthPrefixed(Channel);
        writer.WriteLengthPrefixed(Message);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Decodes a peer's bytes; a malformed message throws <see cref="CorruptDataException"/>.</summary>
    public static PeerPublication Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = new ByteReader(bytes);
        FormatCheck.Version(reader.ReadByte(), Version, "pub/sub message");
        var after = new Lsn(reader.ReadVarUInt());
        var channel = reader.ReadLengthPrefixed().ToArray();
        var message = reader.ReadLengthPrefixed().ToArray();
        FormatCheck.End(reader, "pub/sub message");
        return new PeerPublication(after, channel, message);
    }
}
