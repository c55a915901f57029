using Chorus.Core;
using Chorus.Core.Sites;
using Chorus.Core.Versions;

namespace Chorus.Replication.MultiLeader;

/// <summary>
/// The changes in this site's log that some other site may still need, in log order (which is
/// causal order), with the site's frontier after each. Loaded from the log when a node becomes
/// its site's leader; entries every linked site has committed are forgotten.
/// </summary>
internal sealed class SiteOutbox
{
    private readonly SortedDictionary<Lsn, (SiteChange Change, VersionVector Frontier)> _entries = [];

    public int Count => _entries.Count;

    /// <summary>The LSN of the oldest change kept (the log must keep it), or null when empty.</summary>
    public Lsn? First => _entries.Count == 0 ? null : _entries.Keys.First();

    public void Add(Lsn lsn, SiteChange change, VersionVector frontier) => _entries[lsn] = (change, frontier);

    public void Clear() => _entries.Clear();

    /// <summary>Changes at or below <paramref name="through"/> (committed here) that pass <paramref name="wanted"/>, oldest first.</summary>
    public IEnumerable<(Lsn Lsn, SiteChange Change)> Committed(Lsn through, Func<ChangeHeader, bool> wanted)
    {
        foreach (var (lsn, entry) in _entries)
        {
            if (lsn > through)
            {
                yield break;
            }
            if (wanted(entry.Change.Header))
            {
                yield return (lsn, entry.Change);
            }
        }
    }

    /// <summary>The frontier after the last change at or below <paramref name="through"/>, if any is kept.</summary>
    public VersionVector? FrontierThrough(Lsn through)
    {
        VersionVector? frontier = null;
        foreach (var (lsn, entry) in _entries)
        {
            if (lsn > through)
            {
                break;
            }
            frontier = entry.Frontier;
        }
        return frontier;
    }

    /// <summary>Forgets the oldest changes for which <paramref name="done"/> holds, up to the first that is still needed.</summary>
    public void TrimWhile(Func<ChangeHeader, bool> done)
    {
        while (_entries.Count > 1 && _entries.First() is var (lsn, entry) && done(entry.Change.Header))
        {
            _entries.Remove(lsn);
        }
    }
}
