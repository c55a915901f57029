using Chorus.Simulation.Network;

namespace Chorus.Simulation.Leaderless;

/// <summary>How a <see cref="StalenessRun"/> drives its cluster.</summary>
public sealed record StalenessWorkload
{
    /// <summary>Concurrent clients, one key each.</summary>
    public int Clients { get; init; } = 8;

    public long DurationMs { get; init; } = 5_000;

    public NetworkProfile? Network { get; init; }

    /// <summary>How long after the acknowledgement the read is sent (the "t" of probabilistically bounded staleness).</summary>
    public long ReadAfterUs { get; init; }

    public StalenessFaults Faults { get; init; }

    /// <summary>
    /// Read after a write that failed too (by default a failed write is followed by the next
    /// write): each such read counts as seeing the failed write or not
    /// (<see cref="StalenessResult.FailedWriteSeen"/>, <see cref="StalenessResult.FailedWriteMissed"/>).
    /// </summary>
    public bool ReadAfterFailedWrite { get; init; }
}
