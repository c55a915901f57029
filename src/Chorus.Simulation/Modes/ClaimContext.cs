using Chorus.Storage;

namespace Chorus.Simulation.Modes;

/// <summary>What a mode's promises depend on: the durability policy and whether nodes may lose power.</summary>
public sealed record ClaimContext(DurabilityPolicy Durability, bool NodesMayCrash)
{
    /// <summary>A leader's power loss can take acknowledged writes with it (fsync everysec or no).</summary>
    public bool LeaderMayLoseAcknowledgedWrites => NodesMayCrash && Durability != DurabilityPolicy.Always;
}
