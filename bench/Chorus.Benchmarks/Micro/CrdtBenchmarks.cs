using BenchmarkDotNet.Attributes;
using Chorus.Core;
using Chorus.Core.Crdts;

namespace Chorus.Benchmarks.Micro;

/// <summary>
/// Add-wins set merge of two replicas that diverged by a few adds and removes each (the common
/// anti-entropy case), and SADD plus encode (what a write to a CRDT set key costs).
/// </summary>
[MemoryDiagnoser]
public class CrdtBenchmarks
{
    private static readonly NodeId N1 = new("n1");
    private static readonly NodeId N2 = new("n2");
    private AddWinsSet _ours = new();
    private AddWinsSet _theirs = new();
    private byte[] _encoded = [];

    [Params(10, 1000)]
    public int Members { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var common = new AddWinsSet();
        for (var i = 0; i < Members; i++)
        {
            common.Add(i % 2 == 0 ? N1 : N2, Member(i));
        }
        (_ours, _theirs) = (common.Clone(), common.Clone());
        for (var i = 0; i < 3; i++)
        {
            _ours.Add(N1, Member(Members + i));
            _ours.Remove(Member(i));
            _theirs.Add(N2, Member(Members + 10 + i));
            _theirs.Remove(Member(Members - 1 - i));
        }
        _encoded = AddWinsSetCodec.Encode(_ours);
    }

    [Benchmark(Description = "OR-set: merge two diverged replicas")]
    public int Merge()
    {
        var merged = _ours.Clone();
        merged.Merge(_theirs);
        return merged.Count;
    }

    [Benchmark(Description = "OR-set: clone (baseline for merge)")]
    public int Clone() => _ours.Clone().Count;

    [Benchmark(Description = "OR-set: decode + SADD + encode")]
    public int AddOne()
    {
        var set = AddWinsSetCodec.Decode(_encoded);
        set.Add(N1, "new member"u8);
        return AddWinsSetCodec.Encode(set).Length;
    }

    private static byte[] Member(int i) => System.Text.Encoding.ASCII.GetBytes($"member:{i}");
}
