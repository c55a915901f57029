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
/// <para>
/// A failed site comes back in two steps (<see cref="Recovering"/>, then <see cref="Returned"/>):
/// while it is <see cref="ReturningSites">returning</see>, routes include it again (so it catches
/// up) but its keys stay homed at its successor; the successor moves them back only once the
/// returning site has everything the successor had (see MultiLeaderCore's home handover).
/// </para>
/// </summary>
public sealed record SiteSettings(
    SiteTopology Topology,
    IReadOnlyList<PolicyRule> Policies,
    IReadOnlyList<HomeRule> Homes,
    IReadOnlyList<NodeId> FailedSites,
    HlcTimestamp ChangedAt,
    NodeId ChangedBy)
{
    /// <summary>Version 2 added <see cref="ReturningSites"/>; version 1 records (none returning) still decode.</summary>
    public const byte FormatVersion = 2;

    /// <summary>Sites recovered from failure that do not yet hold their keys' homes again (their successor does).</summary>
    public IReadOnlyList<NodeId> ReturningSites { get; init; } = [];

    /// <summary>All-to-all, every key last-write-wins, no homes, no failed sites: what a cluster starts with unless configured.</summary>
    public static readonly SiteSettings Default = new(SiteTopology.AllToAll, [], [], [], HlcTimestamp.Zero, default);

    /// <summary>Whether these settings were changed later than <paramref name="other"/> (the LWW order: time, then site id).</summary>
    public bool IsNewerThan(SiteSettings other) =>
        ChangedAt != other.ChangedAt ? ChangedAt > other.ChangedAt : string.CompareOrdinal(ChangedBy.Value, other.ChangedBy.Value) > 0;

    public bool IsFailed(NodeId site) => FailedSites.Contains(site);

    public bool IsReturning(NodeId site) => ReturningSites.Contains(site);

    /// <summary>Sites that hold no home now: the failed ones and the returning ones.</summary>
    public IReadOnlyCollection<NodeId> NotHoming => [.. FailedSites, .. ReturningSites];

    /// <summary><paramref name="site"/> declared failed (routes skip it; its homes move to its successor).</summary>
    public SiteSettings Failing(NodeId site) =>
        this with { FailedSites = [.. FailedSites.Where(s => s != site), site], ReturningSites = [.. ReturningSites.Where(s => s != site)] };

    /// <summary>
    /// The first step back for a failed <paramref name="site"/>: routes include it again, its homes
    /// stay at its successor until <see cref="Returned"/>. A site that is not failed is unchanged.
    /// </summary>
    public SiteSettings Recovering(NodeId site) =>
        !IsFailed(site) ? this : this with { FailedSites = [.. FailedSites.Where(s => s != site)], ReturningSites = [.. ReturningSites.Where(s => s != site), site] };

    /// <summary>The second step: <paramref name="site"/> holds its homes again.</summary>
    public SiteSettings Returned(NodeId site) => this with { ReturningSites = [.. ReturningSites.Where(s => s != site)] };

    /// <summary>
    /// Where the keys homed at <paramref name="home"/> are written now: <paramref name="home"/> itself
    /// unless it is failed or returning; otherwise the first site after it in ordinal id order
    /// (wrapping around) that is neither; null when none is.
    /// </summary>
    public NodeId? HomeSuccessor(NodeId home, IReadOnlyList<NodeId> sites) => NextAvailable(home, sites, NotHoming);

    /// <summary><paramref name="home"/> unless <paramref name="unavailable"/> holds it; else the next site in ordinal order (wrapping) that it does not hold.</summary>
    public static NodeId? NextAvailable(NodeId home, IReadOnlyList<NodeId> sites, IReadOnlyCollection<NodeId> unavailable)
    {
        if (!unavailable.Contains(home))
        {
            return home;
        }
        var ordered = sites.Append(home).Distinct().OrderBy(s => s.Value, StringComparer.Ordinal).ToList();
        var at = ordered.IndexOf(home);
        for (var step = 1; step < ordered.Count; step++)
        {
            var next = ordered[(at + step) % ordered.Count];
            if (!unavailable.Contains(next))
            {
                return next;
            }
        }
        return null;
    }

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
        writer.WriteVarUInt((ulong)ReturningSites.Count);
        foreach (var site in ReturningSites)
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
        var version = reader.ReadByte();
        if (version != 1)
        {
            FormatCheck.Version(version, FormatVersion, "site settings");
        }
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
        var returning = new NodeId[version == 1 ? 0 : reader.ReadLength(RulesMax)];
        for (var i = 0; i < returning.Length; i++)
        {
            returning[i] = ReadId(ref reader) ?? throw new CorruptDataException("an empty returning site id");
        }
        var changedAt = new HlcTimestamp(reader.ReadUInt64LittleEndian());
        var changedBy = ReadId(ref reader) ?? default;
        FormatCheck.End(reader, "site settings");
        return new SiteSettings(new SiteTopology(kind, hub), policies, homes, failed, changedAt, changedBy) { ReturningSites = returning };
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
