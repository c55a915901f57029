using Chorus.Compat.Servers;

namespace Chorus.Compat.Tests;

/// <summary>
/// A real redis-server 7.0 and a real `chorus serve` process, started once for the test classes
/// that share them (installing redis-server first if the machine lacks it; failing, never
/// skipping, when it cannot).
/// </summary>
public sealed class RealServers : IAsyncLifetime
{
    internal ServerPair Servers { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Servers = await ServerPair.StartAsync(CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        if (Servers is not null)
        {
            await Servers.DisposeAsync();
        }
    }
}

/// <summary>The test classes that use <see cref="RealServers"/> share one pair and run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class RealServersCollection : ICollectionFixture<RealServers>
{
    public const string Name = "redis-server and chorus";
}
