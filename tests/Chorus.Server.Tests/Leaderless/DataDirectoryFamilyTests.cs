using Chorus.Server.Configuration;
using Chorus.Server.Hosting;
using Chorus.Testing;
using Microsoft.Extensions.Logging;

namespace Chorus.Server.Tests.Leaderless;

/// <summary>
/// A data directory belongs to the replication family that created it: a single-leader log and
/// a leaderless one share the storage layout but not its meaning, so a node configured as the
/// other family refuses to start on it, naming both (docs/leaderless.md, "Storage").
/// </summary>
public sealed class DataDirectoryFamilyTests : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "chorus-family-" + Guid.NewGuid().ToString("N"));

    [Theory]
    [InlineData("single-leader", "leaderless")]
    [InlineData("leaderless", "single-leader")]
    public async Task A_directory_created_by_one_family_refuses_to_start_as_another(string creator, string other)
    {
        await using (await StartAsync(creator))
        {
        }
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(async () => await StartAsync(other));
        Assert.Equal(
            $"the data directory was created by a {creator} node, but this node is configured as {other}: start it with --family {creator}, or give the {other} node another data directory",
            refused.Message);
        await using (await StartAsync(creator))
        {
            // the creator still opens it
        }
    }

    private Task<ChorusNode> StartAsync(string family)
    {
        var options = new ChorusOptions
        {
            NodeId = "n1",
            Port = FreePorts.Next(),
            PeerPort = FreePorts.Next(),
            HttpPort = FreePorts.Next(),
            DataDir = _dataDir,
            Family = family,
        };
        options.Leaderless.N = 1;
        options.Leaderless.W = 1;
        options.Leaderless.R = 1;
        return ChorusNode.StartAsync(options, logging => logging.SetMinimumLevel(LogLevel.Warning));
    }

    public void Dispose()
    {
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
