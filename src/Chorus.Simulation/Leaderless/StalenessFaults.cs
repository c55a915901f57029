namespace Chorus.Simulation.Leaderless;

/// <summary>The faults a <see cref="StalenessRun"/> injects while its clients write and read.</summary>
public enum StalenessFaults
{
    None,

    /// <summary>Every 1.5–3 s a random node is crashed (and restarted) or cut off (and healed) for 0.1–1.5 s.</summary>
    CrashOrCutOff,

    /// <summary>
    /// Every 1.5–3 s the cluster is split in two random halves (a majority and a minority) for
    /// 1–2.5 s: long enough for each side to see the other down, so sloppy quorums take stand-ins.
    /// </summary>
    Split,
}
