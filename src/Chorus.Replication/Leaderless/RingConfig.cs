using System.Buffers;
using System.Text;
using Chorus.Core;
using Chorus.Core.Encoding;

namespace Chorus.Replication.Leaderless;

/// <summary>
/// The members of a leaderless cluster and where they are reached, with a version: a membership
/// change makes a config with a higher version, which spreads by gossip (the higher version
/// wins; equal versions with different members are resolved by the larger encoding, so every
/// node ends on the same config). Stored in the node's log as a cluster-configuration entry.
/// <code>u8 format (1) | varint version | varint count | (len+id | len+peer-address | len+client-endpoint)*</code>
/// </summary>
public sealed record RingConfig(long Version, IReadOnlyList<RingMember> Members)
{
    public const byte FormatVersion = 1;

    public IEnumerable<NodeId> Ids => Members.Select(m => m.Id);

    public RingMember? Find(NodeId id) => Members.FirstOrDefault(m => m.Id == id);

    public byte[] Encode()
    {
        var output = new ArrayBufferWriter<byte>(64);
        var writer = new ByteWriter(output);
        writer.WriteByte(FormatVersion);
        writer.WriteVarInt(Version);
        writer.WriteVarUInt((ulong)Members.Count);
        foreach (var member in Members.OrderBy(m => m.Id.Value, StringComparer.Ordinal))
        {
            writer.WriteLengthPrefixed(Encoding.ASCII.GetBytes(member.Id.Value));
            writer.WriteLengthPrefixed(Encoding.UTF8.GetBytes(member.PeerAddress));
            writer.WriteLengthPrefixed(Encoding.UTF8.GetBytes(member.ClientEndpoint));
        }
        return output.WrittenSpan.ToArray();
    }

    public static RingConfig Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = new ByteReader(bytes);
        FormatCheck.Version(reader.ReadByte(), FormatVersion, "ring config");
        var version = reader.ReadVarInt();
        var members = new RingMember[reader.ReadLength(reader.Remaining)];
        for (var i = 0; i < members.Length; i++)
        {
            var id = Encoding.ASCII.GetString(reader.ReadLengthPrefixed());
            if (!NodeId.TryParse(id, out var node))
            {
                throw new CorruptDataException($"ring member '{id}' is not a node id");
            }
            members[i] = new RingMember(node, Encoding.UTF8.GetString(reader.ReadLengthPrefixed()), Encoding.UTF8.GetString(reader.ReadLengthPrefixed()));
        }
        FormatCheck.End(reader, "ring config");
        if (members.Length == 0 || members.Select(m => m.Id).Distinct().Count() != members.Length)
        {
            throw new CorruptDataException("a ring config needs distinct members");
        }
        return new RingConfig(version, members);
    }

    /// <summary>Whether <paramref name="other"/> should replace this config (newer, or the same version with a larger encoding).</summary>
    public bool IsSupersededBy(RingConfig other) =>
        other.Version > Version || (other.Version == Version && other.Encode().AsSpan().SequenceCompareTo(Encode()) > 0);

    public RingConfig With(RingMember member) =>
        new(Version + 1, [.. Members.Where(m => m.Id != member.Id), member]);

    public RingConfig Without(NodeId id) => new(Version + 1, [.. Members.Where(m => m.Id != id)]);

    public override string ToString() => $"v{Version} [{string.Join(", ", Members.Select(m => m.Id))}]";
}

/// <summary>A ring member: its id, its peer (gRPC) address and the endpoint clients use.</summary>
public sealed record RingMember(NodeId Id, string PeerAddress, string ClientEndpoint);
