using Chorus.Core;
using Chorus.Core.Log;

namespace Chorus.Simulation.Nodes;

/// <summary>
/// Every log entry as the node that created it (the leader of its epoch) wrote it to its own
/// log, keyed by position — including entries the leader later lost in a crash. This is the
/// history a follower's log must be a prefix of. Two different entries created at one position
/// (an epoch reused after losing its record) are kept as conflicts.
/// </summary>
public sealed class AuthoredLog
{
    private readonly Dictionary<LogPosition, ReadOnlyMemory<byte>> _entries = [];
    private readonly List<string> _conflicts = [];

    public int Count => _entries.Count;

    public IReadOnlyList<string> Conflicts => _conflicts;

    /// <summary>Records an entry that <paramref name="writer"/> wrote to its log; only the entry's origin is authoritative.</summary>
    public void Record(NodeId writer, LogEntry entry)
    {
        if (entry.Origin != writer)
        {
            return;
        }
        if (_entries.TryGetValue(entry.Position, out var existing))
        {
            if (!existing.Span.SequenceEqual(entry.Encoded.Span))
            {
                _conflicts.Add($"{writer} created two different entries at {entry.Position} (an epoch was reused)");
            }
            return;
        }
        _entries[entry.Position] = entry.Encoded.ToArray();
    }

    public bool TryGet(LogPosition position, out ReadOnlyMemory<byte> encoded) => _entries.TryGetValue(position, out encoded);
}
