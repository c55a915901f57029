namespace Chorus.Replication.Election;

/// <summary>Who replaces a leader that stops answering.</summary>
public enum FailoverMode : byte
{
    /// <summary>Followers that hear nothing for an election timeout elect a new leader.</summary>
    Auto = 0,

    /// <summary>
    /// Leadership changes only by an operator (FAILOVER, CHORUS.ELECT) — and the preferred leader
    /// takes the lead when no leader exists (a fresh or restarted cluster).
    /// </summary>
    Manual = 1,
}
