using Chorus.Server.Configuration;
using Chorus.Server.Hosting;
using Chorus.Testing;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Chorus.Server.Tests.Support;

/// <summary>
/// A real Chorus node (RocksDB, Kestrel, gRPC listener) in this process on free loopback ports,
/// with a StackExchange.Redis connection to it. Shared by a test class.
/// </summary>
public class SingleNode : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "chorus-test-" + Guid.NewGuid().ToString("N"));

    public string DataDir => _dataDir;
    private ChorusNode? _node;

    public int Port { get; } = FreePorts.Next();

    public ConnectionMultiplexer Redis { get; private set; } = null!;

    public IDatabase Db => Redis.GetDatabase();

    public async ValueTask InitializeAsync()
    {
        var options = new ChorusOptions
        {
            NodeId = "n1",
            Port = Port,
            PeerPort = FreePorts.Next(),
            HttpPort = FreePorts.Next(),
            DataDir = _dataDir,
        };
        Configure(options);
        _node = await ChorusNode.StartAsync(options, logging => logging.SetMinimumLevel(LogLevel.Warning));
        var client = Configuration(Port);
        ConfigureClient(client);
        Redis = await ConnectionMultiplexer.ConnectAsync(client);
    }

    /// <summary>Settings a fixture for one kind of test changes (a password, TLS).</summary>
    protected virtual void Configure(ChorusOptions options)
    {
    }

    protected virtual void ConfigureClient(ConfigurationOptions client)
    {
    }

    public static ConfigurationOptions Configuration(int port, RedisProtocol protocol = RedisProtocol.Resp2) => new()
    {
        EndPoints = { { "127.0.0.1", port } },
        Protocol = protocol,
        AbortOnConnectFail = false,
        ConnectTimeout = 5000,
        SyncTimeout = 5000,
        AsyncTimeout = 5000,
        AllowAdmin = true,
    };

    public virtual async ValueTask DisposeAsync()
    {
        await Redis.DisposeAsync();
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // a leftover temp directory is harmless
        }
    }
}
