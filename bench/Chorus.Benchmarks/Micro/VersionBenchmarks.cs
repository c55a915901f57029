using BenchmarkDotNet.Attributes;
using Chorus.Core;
using Chorus.Core.Encoding;
using Chorus.Core.Versions;

namespace Chorus.Benchmarks.Micro;

/// <summary>
/// The per-key version work of a leaderless write: the coordinator's DVV update with the client's
/// context, a replica merging the coordinator's set into its own (two siblings each side), and
/// the set's encode/decode as stored in the key's record.
/// </summary>
[MemoryDiagnoser]
public class VersionBenchmarks
{
    private static readonly NodeId[] Nodes = [new("n1"), new("n2"), new("n3")];
    private DottedVersionVectorSet<byte[]> _local = DottedVersionVectorSet<byte[]>.Empty;
    private DottedVersionVectorSet<byte[]> _remote = DottedVersionVectorSet<byte[]>.Empty;
    private VersionVector _clientContext = VersionVector.Empty;
    private byte[] _value = [];
    private byte[] _encoded = [];

    [GlobalSetup]
    public void Setup()
    {
        _value = new byte[100];
        var set = DottedVersionVectorSet<byte[]>.Empty;
        for (var i = 0; i < 30; i++)
        {
            set = set.Update(set.Context, _value, Nodes[i % 3]);
        }
        _clientContext = set.Context;
        _local = set.Update(VersionVector.Empty, _value, Nodes[0]);   // two siblings
        _remote = set.Update(_clientContext, _value, Nodes[1]).Update(VersionVector.Empty, _value, Nodes[2]);
        _encoded = DottedVersionVectorSetCodec.Encode(_local, ValueCodec.Bytes);
    }

    [Benchmark(Description = "DVV set: coordinator update (client context)")]
    public DottedVersionVectorSet<byte[]> Update() => _local.Update(_clientContext, _value, Nodes[1]);

    [Benchmark(Description = "DVV set: merge two replicas (2 siblings each)")]
    public DottedVersionVectorSet<byte[]> Merge() => _local.Merge(_remote);

    [Benchmark(Description = "DVV set: encode (2 x 100-byte siblings)")]
    public byte[] Encode() => DottedVersionVectorSetCodec.Encode(_local, ValueCodec.Bytes);

    [Benchmark(Description = "DVV set: decode (2 x 100-byte siblings)")]
    public int Decode() => DottedVersionVectorSetCodec.Decode(_encoded, ValueCodec.Bytes).SiblingCount;
}
