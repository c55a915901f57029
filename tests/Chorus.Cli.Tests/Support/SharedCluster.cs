namespace Chorus.Cli.Tests.Support;

/// <summary>
/// One three-node cluster (n1 leads) shared by the tests of a class that only read and write
/// keys — each its own keys — and never kill, pause, partition or reconfigure a node: starting
/// a cluster of real processes costs seconds of CPU per node, more than most such tests' bodies.
/// A test that disturbs a node starts a cluster of its own.
/// </summary>
public sealed class SharedCluster : IAsyncLifetime
{
    private ProcessCluster? _cluster;

    internal ProcessCluster Cluster => _cluster ?? throw new InvalidOperationException("the shared cluster has not started");

    public async ValueTask InitializeAsync() => _cluster = await ProcessCluster.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
