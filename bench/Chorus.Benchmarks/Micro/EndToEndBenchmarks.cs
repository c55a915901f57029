using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Chorus.Benchmarks.Load;
using Chorus.Server.Configuration;
using Chorus.Server.Hosting;

namespace Chorus.Benchmarks.Micro;

/// <summary>
/// A whole single node in this process (RocksDB, node loop, RESP listener, fsync=no) and one
/// loopback connection: SET and GET round trips, one at a time and 16 pipelined.
/// </summary>
[MemoryDiagnoser]
public class EndToEndBenchmarks
{
    private string _directory = "";
    private ChorusNode _node = null!;
    private RawRespClient _client = null!;
    private byte[] _set = [];
    private byte[] _get = [];
    private byte[] _set16 = [];
    private byte[] _get16 = [];

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _directory = Path.Combine(Path.GetTempPath(), "chorus-bench-e2e-" + Environment.ProcessId);
        var port = FreePort();
        var options = new ChorusOptions
        {
            NodeId = "n1",
            Port = port,
            PeerPort = FreePort(),
            HttpPort = FreePort(),
            DataDir = _directory,
            Fsync = "no",
        };
        _node = await ChorusNode.StartAsync(options, logging: _ => { });
        _client = await RawRespClient.ConnectAsync(port);
        _set = RawRespClient.Command("SET", "key:000000000001", new string('x', 16));
        _get = RawRespClient.Command("GET", "key:000000000001");
        _set16 = [.. Enumerable.Range(0, 16).SelectMany(_ => _set)];
        _get16 = [.. Enumerable.Range(0, 16).SelectMany(_ => _get)];
        for (var attempt = 0; attempt < 200 && !(await _client.QueryAsync(_set)).StartsWith('+'); attempt++)
        {
            await Task.Delay(50);
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _client.Dispose();
        await _node.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Description = "SET round trip")]
    public Task Set() => RoundTripAsync(_set, 1);

    [Benchmark(Description = "GET round trip")]
    public Task Get() => RoundTripAsync(_get, 1);

    [Benchmark(Description = "16 pipelined SETs", OperationsPerInvoke = 16)]
    public Task Set16() => RoundTripAsync(_set16, 16);

    [Benchmark(Description = "16 pipelined GETs", OperationsPerInvoke = 16)]
    public Task Get16() => RoundTripAsync(_get16, 16);

    private async Task RoundTripAsync(byte[] request, int replies)
    {
        await _client.SendAsync(request);
        await _client.ReadRepliesAsync(replies);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
