namespace Chorus.Simulation.Network;

/// <summary>
/// The simulated network: a default profile for every peer link, per-link overrides (a follower
/// in another region), and the delay between clients and nodes.
/// </summary>
public sealed record NetworkProfile(string Name, LinkProfile PeerLink, LatencyDistribution ClientLatency)
{
    /// <summary>Directed overrides: (from, to) → profile.</summary>
    public IReadOnlyDictionary<(string From, string To), LinkProfile> Links { get; init; } = new Dictionary<(string, string), LinkProfile>();

    public LinkProfile For(string from, string to) => Links.TryGetValue((from, to), out var link) ? link : PeerLink;

    /// <summary>One data centre: about 1 ms between nodes with a rare 30 ms tail; clients 0.5 ms away.</summary>
    public static readonly NetworkProfile Lan = new(
        "lan",
        new LinkProfile(new LatencyDistribution(MinUs: 200, MeanExtraUs: 800, TailProbability: 0.01, TailMaxUs: 30_000)),
        new LatencyDistribution(MinUs: 100, MeanExtraUs: 400));

    /// <summary>As <see cref="Lan"/>, but n3 sits in another region, about 40 ms from the others.</summary>
    public static readonly NetworkProfile Wan = Lan with
    {
        Name = "wan",
        Links = FarNode("n3", new LinkProfile(new LatencyDistribution(MinUs: 30_000, MeanExtraUs: 10_000, TailProbability: 0.02, TailMaxUs: 100_000))),
    };

    public static IReadOnlyList<NetworkProfile> All { get; } = [Lan, Wan];

    public static NetworkProfile Named(string name) =>
        All.FirstOrDefault(p => p.Name == name) ?? throw new ArgumentException($"unknown network profile '{name}' (known: {string.Join(", ", All.Select(p => p.Name))})", nameof(name));

    private static Dictionary<(string, string), LinkProfile> FarNode(string far, LinkProfile link)
    {
        var links = new Dictionary<(string, string), LinkProfile>();
        foreach (var other in new[] { "n1", "n2", "n4", "n5", "n6", "n7", "n8", "n9" })
        {
            links[(other, far)] = link;
            links[(far, other)] = link;
        }
        return links;
    }
}
