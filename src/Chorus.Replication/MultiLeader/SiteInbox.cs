using Chorus.Core.Sites;
using Chorus.Core.Versions;

namespace Chorus.Replication.MultiLeader;

/// <summary>
/// Changes from other sites waiting to be delivered here. Chorus delivers a change once its
/// origin's previous change and everything it depends on are delivered (causal delivery: no
/// overtaking, DDIA ch. 5, figure 5-9), and never delivers a change twice (its dot is in the
/// frontier). The naive variant delivers on arrival, once per dot, in whatever order they came.
/// </summary>
internal sealed class SiteInbox(bool causal, int heldMax)
{
    private readonly List<SiteChange> _held = [];
    private readonly HashSet<Dot> _seenNaive = [];

    public int HeldBack => _held.Count;

    public long Duplicates { get; private set; }

    /// <summary>Takes in a change; false if this site already has it (a duplicate, or one delivered by another path).</summary>
    public bool Offer(SiteChange change, VersionVector delivered)
    {
        if (causal ? delivered.Contains(change.Header.Dot) : !_seenNaive.Add(change.Header.Dot))
        {
            Duplicates++;
            return false;
        }
        if (_held.Any(h => h.Header.Dot == change.Header.Dot) || _held.Count >= heldMax)
        {
            Duplicates++;
            return false;
        }
        _held.Add(change);
        return true;
    }

    /// <summary>The next change that may be delivered after <paramref name="delivered"/>, removed from the inbox; null if none.</summary>
    public SiteChange? TakeDeliverable(VersionVector delivered)
    {
        for (var i = 0; i < _held.Count; i++)
        {
            var header = _held[i].Header;
            var ready = !causal || (delivered[header.Origin] == header.Seq - 1 && delivered.Dominates(header.Deps));
            if (ready)
            {
                var change = _held[i];
                _held.RemoveAt(i);
                return change;
            }
            if (delivered.Contains(header.Dot))
            {
                _held.RemoveAt(i--);
                Duplicates++;
            }
        }
        return null;
    }

    public void Clear()
    {
        _held.Clear();
        _seenNaive.Clear();
    }
}
