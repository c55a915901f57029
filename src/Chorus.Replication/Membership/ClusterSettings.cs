using System.Buffers;
using System.Text;
using Chorus.Core;
using Chorus.Core.Encoding;
using Chorus.Replication.Election;
using Chorus.Replication.Quorum;

namespace Chorus.Replication.Membership;

/// <summary>
/// The replicated cluster configuration: who the members are and how writes are acknowledged.
/// Changed only by appending a <see cref="Core.Log.PayloadKind.ClusterConfig"/> entry, so every
/// node agrees on it at every log position; a node uses the latest one in its log.
/// <para>
/// <paramref name="SiteSettings"/>: at a multi-leader site, the settings all sites share
/// (Chorus.Core.Sites.SiteSettings, encoded) as last changed or adopted by the site's leader, so
/// they survive restarts and a new site leader starts from them; null elsewhere.
/// </para>
/// <para>
/// <see cref="CutLinks"/>: at a multi-leader site, the other sites whose links an operator cut
/// (CHORUS.LINK CUT), so the cut holds whichever node leads the site.
/// </para>
/// </summary>
public sealed record ClusterSettings(IReadOnlyList<Member> Members, AckPolicy Ack, FailoverMode Failover = FailoverMode.Auto, byte[]? SiteSettings = null)
{
    public const byte FormatVersion = 1;

    /// <summary>Sites this site's links with are cut by an operator (multi-leader; empty elsewhere).</summary>
    public IReadOnlyList<NodeId> CutLinks { get; init; } = [];

    /// <summary>
    /// The cluster's identity (<see cref="Membership.ClusterId"/>): chosen by its first leader and
    /// recorded with the bootstrap settings, so every node, restart, snapshot, failover and new
    /// member has the same one. Empty: a cluster formed before clusters had an identity.
    /// </summary>
    public string ClusterId { get; init; } = "";

    public Member? Find(NodeId id) => Members.FirstOrDefault(m => m.Id == id);

    public IEnumerable<Member> Voters => Members.Where(m => m.Role == MemberRole.Voter);

    public ClusterSettings WithMember(Member member) =>
        this with { Members = [.. Members.Where(m => m.Id != member.Id), member] };

    public ClusterSettings WithoutMember(NodeId id) =>
        this with { Members = [.. Members.Where(m => m.Id != id)] };

    public byte[] Encode()
    {
        var output = new ArrayBufferWriter<byte>(128);
        var writer = new ByteWriter(output);
        writer.WriteByte(FormatVersion);
        writer.WriteVarUInt((ulong)Members.Count);
        foreach (var member in Members)
        {
            WriteString(writer, member.Id.Value);
            WriteString(writer, member.PeerAddress);
            WriteString(writer, member.ClientEndpoint);
            writer.WriteByte((byte)member.Role);
        }
        writer.WriteByte((byte)Ack.Mode);
        writer.WriteVarUInt((ulong)Ack.Count);
        writer.WriteByte((byte)Ack.Level);
        writer.WriteVarUInt((ulong)Ack.TimeoutMs);
        writer.WriteByte((byte)Ack.OnTimeout);
        writer.WriteByte((byte)Failover);
        if (SiteSettings is not null || CutLinks.Count > 0 || ClusterId.Length > 0)
        {
            // Optional and last: settings written before sites had it still decode (empty: none).
            writer.WriteLengthPrefixed(SiteSettings ?? []);
        }
        if (CutLinks.Count > 0 || ClusterId.Length > 0)
        {
            // Optional after the site settings, for the same reason.
            writer.WriteVarUInt((ulong)CutLinks.Count);
            foreach (var site in CutLinks)
            {
                WriteString(writer, site.Value);
            }
        }
        if (ClusterId.Length > 0)
        {
            // Optional after the cut links, for the same reason.
            WriteString(writer, ClusterId);
        }
        return output.WrittenSpan.ToArray();
    }

    public static ClusterSettings Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = new ByteReader(bytes);
        var version = reader.ReadByte();
        if (version != FormatVersion)
        {
            throw new CorruptDataException($"cluster settings version {version} is not supported (this build reads version {FormatVersion})");
        }
        var members = new Member[reader.ReadLength()];
        for (var i = 0; i < members.Length; i++)
        {
            members[i] = new Member(ReadNodeId(ref reader), ReadString(ref reader), ReadString(ref reader), ReadEnum<MemberRole>(ref reader));
        }
        var ack = new AckPolicy(ReadEnum<AckMode>(ref reader), ReadNonNegative(ref reader, "acknowledgement count"), ReadEnum<AckLevel>(ref reader),
            ReadNonNegative(ref reader, "acknowledgement timeout"), ReadEnum<AckTimeoutAction>(ref reader));
        if (ack.Mode == AckMode.SemiSync && ack.Count < 1)
        {
            throw new CorruptDataException("semi-sync acknowledgement count 0 (it must be at least 1)");
        }
        var failover = ReadEnum<FailoverMode>(ref reader);
        byte[]? siteSettings = null;
        if (!reader.IsEnd && reader.ReadLengthPrefixed().ToArray() is { Length: > 0 } logged)
        {
            siteSettings = logged;
            _ = Core.Sites.SiteSettings.Decode(siteSettings); // refuse corrupt settings here, not when a site reads them
        }
        var cut = new NodeId[reader.IsEnd ? 0 : reader.ReadLength(4096)];
        for (var i = 0; i < cut.Length; i++)
        {
            cut[i] = ReadNodeId(ref reader);
        }
        var clusterId = reader.IsEnd ? "" : ReadString(ref reader);
        if (clusterId.Length > 0 && Membership.ClusterId.Invalid(clusterId) is { } invalid)
        {
            throw new CorruptDataException(invalid);
        }
        if (!reader.IsEnd)
        {
            throw new CorruptDataException("trailing bytes after cluster settings");
        }
        return new ClusterSettings(members, ack, failover, siteSettings) { CutLinks = cut, ClusterId = clusterId };
    }

    private static void WriteString(ByteWriter writer, string value) => writer.WriteLengthPrefixed(Encoding.UTF8.GetBytes(value));

    private static string ReadString(ref ByteReader reader) => Encoding.UTF8.GetString(reader.ReadLengthPrefixed());

    private static NodeId ReadNodeId(ref ByteReader reader)
    {
        try
        {
            return new NodeId(ReadString(ref reader));
        }
        catch (ArgumentException e)
        {
            throw new CorruptDataException($"bad member id: {e.Message}");
        }
    }

    /// A varint beyond int.MaxValue would otherwise wrap to a negative count or timeout, which
    /// every node would then apply from its log.
    private static int ReadNonNegative(ref ByteReader reader, string what)
    {
        var value = reader.ReadVarUInt();
        return value <= int.MaxValue ? (int)value : throw new CorruptDataException($"{what} {value} is out of range (at most {int.MaxValue})");
    }

    private static T ReadEnum<T>(ref ByteReader reader) where T : struct, Enum
    {
        var value = reader.ReadByte();
        var parsed = (T)Enum.ToObject(typeof(T), value);
        return Enum.IsDefined(parsed) ? parsed : throw new CorruptDataException($"unknown {typeof(T).Name} {value}");
    }
}
