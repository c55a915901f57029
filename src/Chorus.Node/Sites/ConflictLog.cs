using Chorus.Core;
using Chorus.Core.Sites;

namespace Chorus.Node;

/// <summary>
/// One conflict a site resolved: the key, the value that won (<paramref name="Kept"/>) and the
/// concurrent values that lost under last-write-wins — never dropped silently, they are here,
/// in the conflict file and in the counters. Under the siblings policy nothing loses: the record
/// says how many siblings the key now has.
/// </summary>
public sealed record ConflictRecord(NodeId Site, byte[] Key, ConflictPolicy Policy, SiteSibling Kept, IReadOnlyList<SiteSibling> Losers, int Siblings, long AtMs)
{
    /// <summary>The hash field or sorted-set member in conflict (null: the key's string value); the values are then the element's, as string records.</summary>
    public byte[]? Element { get; init; }
}

/// <summary>A custom resolver that failed on a key (or a field of it): the key kept its concurrent values, the newest showing.</summary>
public sealed record ResolverFailure(byte[] Key, byte[]? Field, string Resolver, string Error, long AtMs);

/// <summary>Where resolved conflicts go besides memory (a file in the data directory in production).</summary>
public interface IConflictSink
{
    void Write(ConflictRecord record);
}

/// <summary>
/// The conflicts this node resolved, newest last: the most recent ones in memory for
/// CHORUS.CONFLICTS, counters for INFO and /metrics, and each one handed to the sink. Read from
/// connection threads, written by the loop.
/// </summary>
public sealed class ConflictLog(IConflictSink? sink = null, int recentMax = 1000)
{
    private readonly Lock _lock = new();
    private readonly LinkedList<ConflictRecord> _recent = new();

    public long Conflicts { get; private set; }

    /// <summary>Values that lost a last-write-wins resolution (each is in the log).</summary>
    public long LostValues { get; private set; }

    public long SiblingConflicts { get; private set; }

    /// <summary>Times a custom resolver threw (or was missing); the last failure, for INFO and CHORUS.CONFLICTS.</summary>
    public long ResolverFailures { get; private set; }

    public ResolverFailure? LastResolverFailure { get; private set; }

    public void ResolverFailed(ResolverFailure failure)
    {
        lock (_lock)
        {
            ResolverFailures++;
            LastResolverFailure = failure;
        }
    }

    /// <summary>Conflicts per second over the last seconds (INFO site_conflicts_per_sec).</summary>
    public ConflictRate Rate { get; } = new();

    public void Add(ConflictRecord record)
    {
        Rate.Record(record.AtMs);
        lock (_lock)
        {
            Conflicts++;
            LostValues += record.Losers.Count;
            SiblingConflicts += record.Policy == ConflictPolicy.Siblings ? 1 : 0;
            _recent.AddLast(record);
            if (_recent.Count > recentMax)
            {
                _recent.RemoveFirst();
            }
        }
        sink?.Write(record);
    }

    /// <summary>The newest <paramref name="count"/> conflicts, oldest first.</summary>
    public List<ConflictRecord> Recent(int count)
    {
        lock (_lock)
        {
            return [.. _recent.Skip(Math.Max(0, _recent.Count - count))];
        }
    }
}
