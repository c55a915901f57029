using Chorus.Commands.Sites;
using Chorus.Core;
using Chorus.Core.Sites;
using Chorus.Core.Versions;
using Chorus.Node;

namespace Chorus.Simulation.MultiLeader;

/// <summary>
/// What the clients and the sites did, for the checkers: every version a site leader made for a
/// write, every write acknowledged, every change each node delivered from another site (in order).
/// </summary>
internal sealed class SiteHistory
{
    private readonly Dictionary<(string Key, string Value), SiteSibling> _versions = [];
    private readonly List<(string Key, string Value)> _acknowledged = [];
    private readonly Dictionary<NodeId, VersionVector> _seenBySite = [];
    private readonly Dictionary<NodeId, HashSet<Dot>> _deliveredByNode = [];
    private readonly List<string> _overtakes = [];
    private readonly List<string> _twice = [];
    private readonly Dictionary<(NodeId Node, string Write), int> _takenIn = [];

    public IEnumerable<string> Keys => _versions.Keys.Select(k => k.Key).Distinct();

    private readonly List<(string Key, SiteSibling Version, long AtUs)> _made = [];

    private readonly List<SiteEvent> _events = [];

    /// <summary>
    /// Every version each node took in, in order: the ones it made for its clients' writes and the
    /// ones it delivered from other sites (strings only) — what a site that decides by timestamps
    /// alone would have been given (<see cref="TimestampOnlySites"/>).
    /// </summary>
    public IReadOnlyList<SiteEvent> Events => _events;

    /// <summary>The writes acknowledged to clients (key, value), in order.</summary>
    public IReadOnlyList<(string Key, string Value)> AcknowledgedWrites => _acknowledged;

    /// <summary>The version made for an acknowledged write (key, value), if any.</summary>
    public SiteSibling? VersionOf(string key, string value) => _versions.GetValueOrDefault((key, value));

    public void Versioned(NodeId node, string key, SiteSibling version, long atUs)
    {
        _events.Add(new SiteEvent(node, key, version, Local: true));
        Versioned(key, version, atUs);
    }

    public void Versioned(string key, SiteSibling version, long atUs)
    {
        _versions[(key, version.Value is { } record ? ValueOf(record) : $"(deleted {version.Version})")] = version;
        _made.Add((key, version, atUs));
    }

    /// <summary>Every version made for a client write, with the virtual time it was made, in order.</summary>
    public IReadOnlyList<(string Key, SiteSibling Version, long AtUs)> Made => _made;

    /// <summary>Every version a site leader made for a client write: the key, and where and when it was made.</summary>
    public IEnumerable<(string Key, SiteSibling Version)> Versions => _versions.Select(v => (v.Key.Key, v.Value));

    public void Acknowledged(string key, string value) => _acknowledged.Add((key, value));

    /// <summary>A node delivered a change from another site: everything it depends on must have come first, and it must not have come before.</summary>
    public void Delivered(NodeId node, NodeId site, SiteChange change)
    {
        var header = change.Header;
        if (!(_deliveredByNode.TryGetValue(node, out var dots) ? dots : _deliveredByNode[node] = []).Add(header.Dot))
        {
            _twice.Add($"{node} delivered {header.Dot} again");
        }
        var seen = _seenBySite.GetValueOrDefault(site, VersionVector.Empty);
        var missing = header.Deps.Entries.ToArray().Where(d => d.Node != site && seen[d.Node] < d.Counter).ToList();
        if (missing.Count > 0 || seen[header.Origin] < header.Seq - 1)
        {
            _overtakes.Add($"{site} applied {header.Dot} before {string.Join(", ", missing.Select(d => $"{d.Node}:{seen[d.Node] + 1}..{d.Counter}"))}");
        }
        _seenBySite[site] = seen.With(header.Origin, header.Seq);
        TakenIn(node, site, change);
    }

    /// <summary>
    /// Loops, told by content rather than by the change's tag (a change passed on without its
    /// origin tag has a new one): a node takes in each client write to a string at most once, and
    /// never one made at its own site.
    /// </summary>
    private void TakenIn(NodeId node, NodeId site, SiteChange change)
    {
        foreach (var (key, version) in StringWrites(change))
        {
            _events.Add(new SiteEvent(node, key, version, Local: false));
            var write = $"{key}@{version.Version.Site}/{version.Version.Timestamp}";
            if (version.Version.Site == site)
            {
                _twice.Add($"{node} took in {write}, made at its own site, again (as {change.Header.Dot})");
            }
            else if ((_takenIn[(node, write)] = _takenIn.GetValueOrDefault((node, write)) + 1) > 1)
            {
                _twice.Add($"{node} took in {write} again (as {change.Header.Dot})");
            }
        }
    }

    private static IEnumerable<(string Key, SiteSibling Version)> StringWrites(SiteChange change)
    {
        foreach (var op in SiteOps.Decode(change.Ops.Span))
        {
            var document = op.IsRecord ? SiteDocumentCodec.FromRecord(op.Versions, change.Header.Origin) : SiteDocumentCodec.Decode(op.Versions);
            foreach (var sibling in document?.Get(SitePart.String, SiteDocument.StringElement)?.Siblings ?? [])
            {
                yield return (System.Text.Encoding.UTF8.GetString(op.Key), sibling);
            }
        }
    }

    /// <summary>
    /// Checks the run. A write counts as kept when a read shows it (under lww only the winner
    /// shows; under siblings every sibling does), as superseded when a later write saw it, and as
    /// reported when a conflict log lists it as lost; anything else was lost silently.
    /// </summary>
    public void Check(SiteRunResult result, Dictionary<string, SiteKeyState?> final, List<ConflictRecord> conflicts, ConflictPolicy policy)
    {
        result.Overtakes.AddRange(_overtakes);
        result.AppliedTwice.AddRange(_twice);
        result.WritesAcknowledged = _acknowledged.Count;
        foreach (var conflict in conflicts)
        {
            foreach (var loser in conflict.Losers.Where(l => l.Version.Clock.Compare(conflict.Kept.Version.Clock) != CausalOrder.Concurrent))
            {
                result.WrongConflicts.Add($"{System.Text.Encoding.UTF8.GetString(conflict.Key)} at {conflict.Site}: {loser.Version} reported losing to {conflict.Kept.Version}, but one had seen the other");
            }
        }
        var losers = conflicts.SelectMany(c => c.Losers.Where(l => l.Value is not null).Select(l => (System.Text.Encoding.UTF8.GetString(c.Key), ValueOf(l.Value!)))).ToHashSet();
        foreach (var (key, value) in _acknowledged)
        {
            if (!_versions.TryGetValue((key, value), out var version))
            {
                result.LostWrites.Add($"{key}={value}: acknowledged but never versioned");
                continue;
            }
            // Siblings and custom keep every concurrent value (custom shows its resolver's merge of them).
            var shown = policy is ConflictPolicy.Siblings or ConflictPolicy.Custom ? final.GetValueOrDefault(key)?.Siblings : final.GetValueOrDefault(key)?.Siblings.Take(1);
            var inState = shown?.Any(s => s.Value is { } v && ValueOf(v) == value) == true;
            var superseded = _versions.Where(v => v.Key.Key == key).Any(v => v.Value.Version.Clock.Compare(version.Version.Clock) == CausalOrder.After);
            if (!inState && !superseded && !losers.Contains((key, value)))
            {
                result.LostWrites.Add($"{key}={value} ({version.Version})");
            }
        }
        foreach (var (key, state) in final)
        {
            result.FinalValues[key] = state?.Winner.Value is { } v ? ValueOf(v) : null;
            result.FinalSiblings[key] = state?.Siblings.Count(static s => s.Value is not null) ?? 0;
        }
    }

    /// <summary>The string a plain record holds (type byte, expiry varint, bytes).</summary>
    public static string ValueOf(byte[] record) => System.Text.Encoding.UTF8.GetString(record.AsSpan(2));
}

/// <summary>A version a node took in: made there for a client's write (<paramref name="Local"/>), or delivered from another site.</summary>
internal sealed record SiteEvent(NodeId Node, string Key, SiteSibling Version, bool Local);
