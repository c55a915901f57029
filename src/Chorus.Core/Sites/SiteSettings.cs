using System.Buffers;
using Chorus.Core.Encoding;

namespace Chorus.Core.Sites;

/// <summary>
/// The settings every site of a multi-leader cluster shares: the topology of the links, the
/// conflict policy per key pattern, the home site per key pattern, and the sites declared failed.
/// The whole record is one last-write-wins register: a change is stamped with its HLC time and
/// site (<see cref="ChangedAt"/>, <see cref="ChangedBy"/>), site leaders pass their settings
/// along every link, and a site adopts settings stamped later than its own — so every site ends
/// up with the same settings, whichever site changed them.
/// </summary>
public sealed record SiteSettings(
    SiteTopology Topology,
    IReadOnlyList<PolicyRule> Policies,
    IReadOnlyList<HomeRule> Homes,
    IReadOnlyList<NodeId> FailedSites,
    HlcTimestamp ChangedAt,
    NodeId ChangedBy)
{
    public const byte FormatVersion = 1;

    /// <summary>All-to-all, every key last-write-wins, no homes, no failed sites: what a cluster starts with unless configured.</summary>
    public static readonly SiteSettings Default = new(SiteTopology.AllToAll, [], [], [], HlcTimestamp.Zero, default);

    /// <summary>Whether these settings were changed later than <paramref name="other"/> (the LWW order: time, then site id).</summary>
    public bool IsNewerThan(SiteSettings other) =>
        ChangedAt != other.ChangedAt ? ChangedAt > other.ChangedAt : string.CompareOrdinal(ChangedBy.Value, other.ChangedBy.Value) > 0;

    public bool IsFailed(NodeId site) => FailedSites.Contains(site);

    /// <summary>These settings after a change made at <paramref name="site"/> at <paramref name="at"/>.</summary>
    public SiteSettings Stamped(HlcTimestamp at, NodeId site) => this with { ChangedAt = at, ChangedBy = site };

    /// <summary>The policies with the rule for <paramref name="rule"/>'s pattern replaced (or added last).</summary>
    public SiteSettings WithPolicy(PolicyRule rule) =>
        this with { Policies = [.. Policies.Where(p => p.Pattern != rule.Pattern), rule] };

    public SiteSettings WithoutPolicy(string pattern) => this with { Policies = [.. Policies.Where(p => p.Pattern != pattern)] };

    public SiteSettings WithHome(HomeRule rule) => this with { Homes = [.. Homes.Where(h => h.Pattern != rule.Pattern), rule] };

    public SiteSettings WithoutHome(string pattern) => this with { Homes = [.. Homes.Where(h => h.Pattern != pattern)] };

    public byte[] Encode()
    {
        var output = new ArrayBufferWriter<byte>(64);
        var writer = new ByteWriter(output);
        writer.WriteByte(FormatVersion);
        writer.WriteByte((byte)Topology.Kind);
        WriteId(writer, Topology.Hub);
        writer.WriteVarUInt((ulong)Policies.Count);
        foreach (var rule in Policies)
        {
            WriteText(writer, rule.Pattern);
            writer.WriteByte((byte)rule.Policy);
            WriteText(writer, rule.Resolver ?? "");
        }
        writer.WriteVarUInt((ulong)Homes.Count);
        foreach (var home in Homes)
        {
            WriteText(writer, home.Pattern);
            WriteId(writer, home.Site);
        }
        writer.WriteVarUInt((ulong)FailedSites.Count);
        foreach (var site in FailedSites)
        {
            WriteId(writer, site);
        }
        writer.WriteUInt64LittleEndian(ChangedAt.Packed);
        WriteId(writer, ChangedBy.IsEmpty ? null : ChangedBy);
        return output.WrittenSpan.ToArray();
    }

    public static SiteSettings Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = new ByteReader(bytes);
        FormatCheck.Version(reader.ReadByte(), FormatVersion, "site settings");
        var kind = (TopologyKind)reader.ReadByte();
        if (!Enum.IsDefined(kind))
        {
            throw new CorruptDataException($"unknown topology {(byte)kind}");
        }
        var hub = ReadId(ref reader);
        if ((kind == TopologyKind.Star) != hub.HasValue)
        {
            throw new CorruptDataException("only a star topology names a hub, and it must");
        }
        var policies = new PolicyRule[reader.ReadLength(RulesMax)];
        for (var i = 0; i < policies.Length; i++)
        {
            var pattern = ReadText(ref reader);
            var policy = (ConflictPolicy)reader.ReadByte();
            if (!Enum.IsDefined(policy))
            {
                throw new CorruptDataException($"unknown conflict policy {(byte)policy}");
            }
            var resolver = ReadText(ref reader);
            policies[i] = new PolicyRule(pattern, policy, policy == ConflictPolicy.Custom ? resolver : null);
        }
        var homes = new HomeRule[reader.ReadLength(RulesMax)];
        for (var i = 0; i < homes.Length; i++)
        {
            homes[i] = new HomeRule(ReadText(ref reader), ReadId(ref reader) ?? throw new CorruptDataException("a home rule names no site"));
        }
        var failed = new NodeId[reader.ReadLength(RulesMax)];
        for (var i = 0; i < failed.Length; i++)
        {
            failed[i] = ReadId(ref reader) ?? throw new CorruptDataException("an empty failed site id");
        }
        var changedAt = new HlcTimestamp(reader.ReadUInt64LittleEndian());
        var changedBy = ReadId(ref reader) ?? default;
        FormatCheck.End(reader, "site settings");
        return new SiteSettings(new SiteTopology(kind, hub), policies, homes, failed, changedAt, changedBy);
    }

    /// <summary>Rules of each kind a settings record may hold.</summary>
    public const int RulesMax = 4096;

    private static void WriteText(ByteWriter writer, string text) => writer.WriteLengthPrefixed(System.Text.Encoding.Latin1.GetBytes(text));

    private static string ReadText(ref ByteReader reader) => System.Text.Encoding.Latin1.GetString(reader.ReadLengthPrefixed());

    private static void WriteId(ByteWriter writer, NodeId? id) => WriteText(writer, id?.Value ?? "");

    private static NodeId? ReadId(ref ByteReader reader)
    {
        var text = ReadText(ref reader);
        if (text.Length == 0)
        {
            return null;
        }
        return NodeId.TryParse(text, out var id) ? id : throw new CorruptDataException($"bad site id '{text}'");
    }
}
