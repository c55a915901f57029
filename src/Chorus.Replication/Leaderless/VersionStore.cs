using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Core.Versions;
using Set = Chorus.Core.Versions.DottedVersionVectorSet<Chorus.Core.Versions.VersionedValue>;

namespace Chorus.Replication.Leaderless;

/// <summary>
/// This replica's versions of its keys, read and changed through the shell: every change to a key
/// (a coordinator's write, a replica merging what it was sent, read repair, anti-entropy) is a
/// function of the key's stored versions. Changes to one key are applied in the order they were
/// asked for, against one read of the stored state: while a key's read is out, later changes wait
/// for it and are folded in together, so no change is ever computed from a stale copy. The new
/// versions are appended to this node's own log (one entry per Ready, applied atomically with it)
/// and the key's Merkle digest moves with them.
/// </summary>
internal sealed class VersionStore(LeaderlessContext context, EpochLog log, MerkleForest trees)
{
    private readonly Dictionary<byte[], List<PendingChange>> _waiting = new(ByteArrayComparer.Instance);
    private readonly List<byte[]> _toRead = [];
    private readonly List<KeyImage> _images = [];

    /// <summary>A change to one key: the new versions from the current ones, then what to do with (before, after).</summary>
    private sealed record PendingChange(Func<Set, Set> Apply, Action<Set, Set> Then);

    public bool HasWork => _toRead.Count > 0 || _images.Count > 0;

    /// <summary>Told of every key's new versions once stored (expiry tracking).</summary>
    public Action<byte[], Set>? Stored { get; set; }

    /// <summary>Keys stored since the node started.</summary>
    public long KeysWritten { get; private set; }

    /// <summary>Changes <paramref name="key"/>'s versions to <paramref name="apply"/>(current); <paramref name="then"/> gets (before, after) once stored.</summary>
    public void Change(byte[] key, Func<Set, Set> apply, Action<Set, Set> then)
    {
        if (_waiting.TryGetValue(key, out var queued))
        {
            queued.Add(new PendingChange(apply, then));
            return;
        }
        _waiting[key] = [new PendingChange(apply, then)];
        _toRead.Add(key);
    }

    /// <summary>Merges versions received from another replica.</summary>
    public void Merge(byte[] key, Set incoming, Action<Set, Set> then) => Change(key, current =>
    {
        ObserveTimestamps(incoming);
        return current.Merge(incoming);
    }, then);

    /// <summary>The stored versions of <paramref name="key"/>, after every change asked for before.</summary>
    public void Read(byte[] key, Action<Set> then) => Change(key, static current => current, (_, current) => then(current));

    public void OnKeysRead(KeyReadRequest request, IReadOnlyList<StoredKeyVersions?> found)
    {
        for (var i = 0; i < request.Keys.Count; i++)
        {
            var key = request.Keys[i];
            if (!_waiting.Remove(key, out var changes))
            {
                continue;
            }
            var before = found[i] is { } stored ? KeyVersions.FromRecord(stored.Block, stored.Body) : KeyVersions.Empty;
            ObserveTimestamps(before);
            var state = before;
            var steps = new List<(PendingChange Change, Set Before, Set After)>(changes.Count);
            foreach (var change in changes)
            {
                var next = change.Apply(state);
                steps.Add((change, state, next));
                state = next;
            }
            if (!ReferenceEquals(state, before) && !SameVersions(state, before))
            {
                Store(key, before, state);
            }
            foreach (var (change, stepBefore, stepAfter) in steps)
            {
                change.Then(stepBefore, stepAfter);
            }
        }
    }

    /// <summary>
    /// Moves the node's hybrid logical clock past every timestamp in <paramref name="versions"/>
    /// (HLC's receive rule): a node's later writes then carry later timestamps than any version it
    /// has stored or received, even when another node's clock runs ahead, so last-write-wins among
    /// siblings never puts a write behind one its coordinator already held.
    /// </summary>
    private void ObserveTimestamps(Set versions)
    {
        foreach (var version in versions.Values)
        {
            context.Clock.Observe(version.Timestamp);
        }
    }

    /// <summary>Moves pending reads and stored images into the Ready.</summary>
    public void Flush(Ready ready)
    {
        if (_toRead.Count > 0)
        {
            ready.KeyReads.Add(new KeyReadRequest(context.NextStoreReadId(), [.. _toRead]));
            _toRead.Clear();
        }
        if (_images.Count > 0)
        {
            ready.LogOperations.Add(new AppendOperation([log.Append(PayloadKind.KeyImages, KeyImagesPayload.Encode(_images))], Proposed: false));
            _images.Clear();
        }
    }

    /// <summary>
    /// Whether two sets hold the same versions. A dot names one write, so equal dots and counters
    /// mean equal sets — for dotted sets. The broken plain-vector scheme can keep a value under a
    /// dot that another copy dropped, so it compares encodings.
    /// </summary>
    private bool SameVersions(Set a, Set b) =>
        context.Settings.Versions == VersionScheme.Dotted
            ? a.SameVersionsAs(b)
            : KeyVersions.Encode(a).AsSpan().SequenceEqual(KeyVersions.Encode(b));

    private void Store(byte[] key, Set before, Set after)
    {
        if (after.IsEmpty)
        {
            // A collected tombstone: the record goes (an image without a version block).
            _images.Add(new KeyImage(key, [], null));
            trees.Update(key, before, after);
            KeysWritten++;
            return;
        }
        var (block, body) = KeyVersions.ToRecord(after);
        _images.Add(new KeyImage(key, block, body));
        trees.Update(key, before, after);
        KeysWritten++;
        Stored?.Invoke(key, after);
    }
}
