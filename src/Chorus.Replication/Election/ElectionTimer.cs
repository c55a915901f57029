namespace Chorus.Replication.Election;

/// <summary>
/// A randomized election deadline: between one and two election timeouts after the last time
/// we heard from a leader (or voted), so candidates rarely collide. Randomness is injected.
/// </summary>
internal sealed class ElectionTimer(int electionTimeoutMs, Random random)
{
    public long DeadlineMs { get; private set; } = long.MaxValue;

    public void Reset(long nowMs) => DeadlineMs = nowMs + electionTimeoutMs + random.NextInt64(electionTimeoutMs);

    /// <summary>A longer first wait for nodes other than the preferred leader, so a fresh cluster elects the preferred one.</summary>
    public void ResetDeferring(long nowMs) => DeadlineMs = nowMs + (2L * electionTimeoutMs) + random.NextInt64(electionTimeoutMs);

    /// <summary>The preferred leader retries soon while no leader exists (its peers may still be starting).</summary>
    public void ResetEager(long nowMs) => DeadlineMs = nowMs + Math.Max(1, electionTimeoutMs / 4) + random.NextInt64(Math.Max(1, electionTimeoutMs / 8));

    public void FireAt(long nowMs) => DeadlineMs = nowMs;

    public void Stop() => DeadlineMs = long.MaxValue;

    /// <summary>Moves a running deadline <paramref name="delayMs"/> later.</summary>
    public void Postpone(long delayMs)
    {
        if (DeadlineMs != long.MaxValue)
        {
            DeadlineMs += delayMs;
        }
    }

    public bool HasExpired(long nowMs) => nowMs >= DeadlineMs;
}
