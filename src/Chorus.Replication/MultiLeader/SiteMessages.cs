using System.Buffers;
using Chorus.Core;
using Chorus.Core.Encoding;
using Chorus.Core.Sites;
using Chorus.Core.Versions;

namespace Chorus.Replication.MultiLeader;

/// <summary>A message on a link between two sites (family <see cref="Core.Messaging.MessageFamily.MultiLeader"/>).</summary>
public abstract record SiteMessage(NodeId FromSite);

/// <summary>
/// A site leader sends changes its peer site does not have yet, in its own log's order (which is
/// causal order: a change follows everything its site had applied when it was made). An empty
/// list is a heartbeat that asks for the peer's frontier. <paramref name="Settings"/>: the
/// sender's shared settings, so that a change made at any site reaches every other (each adopts
/// settings stamped later than its own).
/// </summary>
public sealed record ShipChanges(NodeId FromSite, IReadOnlyList<SiteChange> Changes, SiteSettings? Settings = null) : SiteMessage(FromSite);

/// <summary>
/// The answer to <see cref="ShipChanges"/>: as site leader, every change this site has taken in
/// (<paramref name="Frontier"/>: do not send these again) and every change it has committed
/// (<paramref name="Committed"/>: the sender may forget these); or, from a node that does not
/// lead its site, the leader it knows of (<paramref name="Leader"/>, possibly none). It carries the
/// answering site's shared settings too (see <see cref="ShipChanges"/>).
/// </summary>
public sealed record ShipAck(NodeId FromSite, bool IsLeader, VersionVector Frontier, VersionVector Committed, NodeId? Leader, SiteSettings? Settings = null) : SiteMessage(FromSite);

/// <summary>
/// The multi-leader wire format, version 1:
/// <code>
/// u8 version | u8 kind | len+from-site | body
/// ShipChanges: varint n | change* | [len+settings]             (change: see SiteChange.Write)
/// ShipAck:     u8 is-leader | len+frontier | len+committed | len+leader ("" = none) | [len+settings]
/// </code>
/// The settings (SiteSettings.Encode; empty = none) came later and are optional at the end, so a
/// message without them still decodes.
/// </summary>
public static class SiteMessageCodec
{
    public const byte FormatVersion = 1;

    /// <summary>Changes one message may carry.</summary>
    public const int ChangesMax = 10_000;

    private const byte ShipKind = 1;
    private const byte AckKind = 2;

    public static byte[] Encode(SiteMessage message)
    {
        var output = new ArrayBufferWriter<byte>(128);
        var writer = new ByteWriter(output);
        writer.WriteByte(FormatVersion);
        switch (message)
        {
            case ShipChanges ship:
                writer.WriteByte(ShipKind);
                WriteId(writer, ship.FromSite);
                writer.WriteVarUInt((ulong)ship.Changes.Count);
                foreach (var change in ship.Changes)
                {
                    change.Write(writer);
                }
                writer.WriteLengthPrefixed(ship.Settings?.Encode() ?? []);
                break;
            case ShipAck ack:
                writer.WriteByte(AckKind);
                WriteId(writer, ack.FromSite);
                writer.WriteByte(ack.IsLeader ? (byte)1 : (byte)0);
                writer.WriteLengthPrefixed(VersionVectorCodec.Encode(ack.Frontier));
                writer.WriteLengthPrefixed(VersionVectorCodec.Encode(ack.Committed));
                WriteId(writer, ack.Leader);
                writer.WriteLengthPrefixed(ack.Settings?.Encode() ?? []);
                break;
            default:
                throw new ArgumentException($"unknown site message {message.GetType().Name}", nameof(message));
        }
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Decodes a message; throws <see cref="CorruptDataException"/> on anything malformed or of another version.</summary>
    public static SiteMessage Decode(ReadOnlyMemory<byte> bytes)
    {
        var reader = new ByteReader(bytes.Span);
        var version = reader.ReadByte();
        if (version != FormatVersion)
        {
            throw new CorruptDataException($"multi-leader message version {version} is not supported (this build speaks version {FormatVersion})");
        }
        var kind = reader.ReadByte();
        var from = ReadId(ref reader) ?? throw new CorruptDataException("a site message names no site");
        SiteMessage message;
        switch (kind)
        {
            case ShipKind:
                var count = reader.ReadLength(ChangesMax);
                var changes = new List<SiteChange>(count);
                for (var i = 0; i < count; i++)
                {
                    changes.Add(SiteChange.Read(ref reader, bytes));
                }
                message = new ShipChanges(from, changes, ReadSettings(ref reader));
                break;
            case AckKind:
                var isLeader = reader.ReadByte() switch
                {
                    0 => false,
                    1 => true,
                    var other => throw new CorruptDataException($"bad leader flag {other}"),
                };
                var frontier = VersionVectorCodec.Decode(reader.ReadLengthPrefixed());
                var committed = VersionVectorCodec.Decode(reader.ReadLengthPrefixed());
                var leader = ReadId(ref reader);
                message = new ShipAck(from, isLeader, frontier, committed, leader, ReadSettings(ref reader));
                break;
            default:
                throw new CorruptDataException($"unknown multi-leader message kind {kind}");
        }
        FormatCheck.End(reader, "multi-leader message");
        return message;
    }

    private static SiteSettings? ReadSettings(ref ByteReader reader)
    {
        if (reader.IsEnd)
        {
            return null;
        }
        var bytes = reader.ReadLengthPrefixed();
        return bytes.Length == 0 ? null : SiteSettings.Decode(bytes);
    }

    private static void WriteId(ByteWriter writer, NodeId? id) =>
        writer.WriteLengthPrefixed(System.Text.Encoding.ASCII.GetBytes(id?.Value ?? ""));

    private static NodeId? ReadId(ref ByteReader reader)
    {
        var text = System.Text.Encoding.ASCII.GetString(reader.ReadLengthPrefixed());
        if (text.Length == 0)
        {
            return null;
        }
        return NodeId.TryParse(text, out var id) ? id : throw new CorruptDataException($"bad site or node id '{text}'");
    }
}
