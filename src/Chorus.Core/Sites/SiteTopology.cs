namespace Chorus.Core.Sites;

/// <summary>How sites are linked (DDIA ch. 5, "Multi-leader replication topologies").</summary>
public enum TopologyKind : byte
{
    /// <summary>Every site sends its own changes to every other site.</summary>
    AllToAll = 1,

    /// <summary>Each site sends everything it has to the next site in the ring, which passes it on.</summary>
    Ring = 2,

    /// <summary>Every site sends its own changes to the hub; the hub passes everything to every other site.</summary>
    Star = 3,
}

/// <summary>The topology of the links between sites; a star names its hub.</summary>
public sealed record SiteTopology(TopologyKind Kind, NodeId? Hub = null)
{
    public static readonly SiteTopology AllToAll = new(TopologyKind.AllToAll);

    public static readonly SiteTopology Ring = new(TopologyKind.Ring);

    public static SiteTopology Star(NodeId hub) => new(TopologyKind.Star, hub);

    /// <summary>
    /// Parses "all-to-all", "ring" or "star &lt;hub&gt;" (also "star:&lt;hub&gt;"); false with a
    /// message naming what is accepted otherwise.
    /// </summary>
    public static bool TryParse(string text, out SiteTopology topology, out string error)
    {
        var parts = text.Trim().Split([' ', ':'], StringSplitOptions.RemoveEmptyEntries);
        topology = AllToAll;
        error = "";
        switch (parts.Length > 0 ? parts[0].ToLowerInvariant() : "")
        {
            case "all-to-all" or "alltoall" or "mesh" when parts.Length == 1:
                return true;
            case "ring" when parts.Length == 1:
                topology = Ring;
                return true;
            case "star" when parts.Length == 2 && NodeId.TryParse(parts[1], out var hub):
                topology = Star(hub);
                return true;
            case "star":
                error = "a star topology names its hub site: star <site>";
                return false;
            default:
                error = $"unknown topology '{text}' (known: all-to-all, ring, star <hub site>)";
                return false;
        }
    }

    public override string ToString() => Kind switch
    {
        TopologyKind.AllToAll => "all-to-all",
        TopologyKind.Ring => "ring",
        _ => $"star {Hub}",
    };
}
