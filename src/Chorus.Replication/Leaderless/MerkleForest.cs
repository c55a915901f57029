using Chorus.Core;
using Chorus.Core.Versions;
using Set = Chorus.Core.Versions.DottedVersionVectorSet<Chorus.Core.Versions.VersionedValue>;

namespace Chorus.Replication.Leaderless;

/// <summary>
/// One Merkle tree per key range this node replicates (the ring's replicated ranges it is a home
/// replica of), kept up to date as it stores versions. A key contributes the digest of its wire
/// versions (canonical: equal sets, equal bytes), so replicas holding the same versions have the
/// same hashes. Hints are not in the trees: they are not this node's data.
/// <para>
/// Built from storage when the node starts and after every ring change: a scan in hash order, in
/// chunks. While it runs, a change to a key the scan has already passed updates the tree, and a
/// change to a key it has not reached is left to the scan, which will read the new versions — so
/// the tree built while writes go on equals the tree of the data.
/// </para>
/// </summary>
internal sealed class MerkleForest(LeaderlessContext context)
{
    /// <summary>Records per scan step: bounds one loop round's work.</summary>
    public const int ScanChunkRecords = 1024;

    private List<(ReplicatedRange Range, MerkleTree Tree)> _trees = [];
    private ulong _scanNextHash;
    private bool _scanInFlight;
    private int _generation;

    public bool Built { get; private set; }

    /// <summary>Told of every key the build scan reads in a range this node replicates (expiry tracking).</summary>
    public Action<byte[], Set>? Scanned { get; set; }

    public int Count => _trees.Count;

    /// <summary>Keys the build scan has read so far (for progress reports).</summary>
    public long KeysScanned { get; private set; }

    /// <summary>How far the build scan has come through the hash space, 0 to 1.</summary>
    public double BuildProgress => Built ? 1 : (double)_scanNextHash / KeyHash.SpaceEnd;

    public IEnumerable<(ReplicatedRange Range, MerkleTree Tree)> Trees => _trees;

    /// <summary>Starts over for the current ring: empty trees for the ranges this node replicates, then a scan fills them.</summary>
    public void Reset()
    {
        _generation++;
        // Without trees (LeaderlessSettings.MerkleTrees off) the scan still runs: it finds the
        // expiring keys again after a start.
        _trees = !context.Settings.MerkleTrees ? [] : [.. context.Ring.ReplicatedRanges(context.Settings.N)
            .Where(r => r.Replicas.Contains(context.Self))
            .Select(r => (r, new MerkleTree(r.Range, context.Settings.MerkleDepth)))];
        _scanNextHash = 0;
        _scanInFlight = false;
        Built = false;
        KeysScanned = 0;
    }

    /// <summary>Asks for the next chunk of the build scan, if one is due.</summary>
    public void Step()
    {
        if (Built || _scanInFlight)
        {
            return;
        }
        _scanInFlight = true;
        var generation = _generation;
        context.ReadRange(_scanNextHash, KeyHash.SpaceEnd, ScanChunkRecords, (records, complete) => OnScanned(generation, records, complete));
    }

    public void Update(byte[] key, Set before, Set after)
    {
        if (!context.Settings.MerkleTrees)
        {
            return; // no tree work on writes
        }
        var hash = KeyHash.Of(key);
        if (!Built && hash >= _scanNextHash)
        {
            return; // the scan will read the new versions
        }
        TreeFor(hash)?.Update(hash, Digest(key, before), Digest(key, after));
    }

    public MerkleTree? TreeFor(ulong keyHash)
    {
        var (low, high) = (0, _trees.Count);
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (_trees[middle].Range.Range.End <= keyHash)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }
        return low < _trees.Count && _trees[low].Range.Range.Contains(keyHash) ? _trees[low].Tree : null;
    }

    /// <summary>The tree over exactly <paramref name="range"/>, if this node replicates it.</summary>
    public MerkleTree? TreeOver(HashRange range) => TreeFor(range.Start) is { } tree && tree.Range == range ? tree : null;

    /// <summary>The trees of ranges both this node and <paramref name="peer"/> replicate.</summary>
    public IEnumerable<MerkleTree> SharedWith(NodeId peer) =>
        _trees.Where(t => t.Range.Replicas.Contains(peer)).Select(t => t.Tree);

    /// <summary>What a key contributes: 0 when it has no versions (absent keys add nothing).</summary>
    public static ulong Digest(byte[] key, Set versions) =>
        versions.IsEmpty ? 0 : MerkleTree.Digest(key, KeyVersions.Encode(versions));

    private void OnScanned(int generation, IReadOnlyList<StoredKeyVersions> records, bool complete)
    {
        if (generation != _generation)
        {
            return; // the ring changed meanwhile: a new scan has started
        }
        _scanInFlight = false;
        foreach (var record in records)
        {
            var hash = KeyHash.Of(record.Key);
            if (TreeFor(hash) is { } tree)
            {
                var versions = KeyVersions.FromRecord(record.Block, record.Body);
                tree.Add(hash, Digest(record.Key, versions));
                Scanned?.Invoke(record.Key, versions);
            }
            else if (!context.Settings.MerkleTrees && context.Ring.PreferenceList(hash, context.Settings.N).Contains(context.Self))
            {
                Scanned?.Invoke(record.Key, KeyVersions.FromRecord(record.Block, record.Body));
            }
            KeysScanned++;
            // Resume after this hash: the rare keys that share it (a 63-bit collision) are left to
            // anti-entropy, which re-sends the whole leaf if the trees disagree.
            _scanNextHash = hash + 1;
        }
        if (complete || _scanNextHash >= KeyHash.SpaceEnd)
        {
            Built = true;
        }
    }
}
