using BenchmarkDotNet.Attributes;
using Chorus.Core;
using Chorus.Replication.Leaderless;

namespace Chorus.Benchmarks.Micro;

/// <summary>
/// The cost of keeping a Merkle tree current (one key's version changes) and of comparing two
/// replicas' trees over 100,000 keys that differ in 10 keys, at two depths.
/// </summary>
[MemoryDiagnoser]
public class MerkleBenchmarks
{
    private const int Keys = 100_000;
    private MerkleTree _ours = null!;
    private MerkleTree _theirs = null!;
    private ulong[] _hashes = [];
    private int _next;

    [Params(10, 16)]
    public int Depth { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _hashes = [.. Enumerable.Range(0, Keys).Select(i => KeyHash.Of(BitConverter.GetBytes(i)))];
        (_ours, _theirs) = (new MerkleTree(HashRange.All, Depth), new MerkleTree(HashRange.All, Depth));
        for (var i = 0; i < Keys; i++)
        {
            var digest = MerkleTree.Digest(BitConverter.GetBytes(i), [1]);
            _ours.Add(_hashes[i], digest);
            _theirs.Add(_hashes[i], i % (Keys / 10) == 0 ? MerkleTree.Digest(BitConverter.GetBytes(i), [2]) : digest);
        }
    }

    [Benchmark(Description = "Merkle: digest + incremental update of one key")]
    public ulong Update()
    {
        var i = _next++ % Keys;
        var key = BitConverter.GetBytes(i);
        _ours.Update(_hashes[i], MerkleTree.Digest(key, [1]), MerkleTree.Digest(key, [1]));
        return _ours.RootHash;
    }

    [Benchmark(Description = "Merkle: compare 100k-key trees, 10 keys differ")]
    public int Compare() => MerkleExchange.Compare(_ours, _theirs).NodesExchanged;
}
