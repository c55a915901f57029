using Chorus.Compat.Running;

namespace Chorus.Compat.Tests;

/// <summary>
/// Issue 15, "How to test": the same seeded random commands to redis-server 7.0 and to Chorus,
/// every reply compared. The short run of `dotnet test`; scripts/differential.sh runs thousands
/// of seeds. A failure prints the seed, the command, both replies, the earlier commands on the
/// same keys and the command line that replays it.
/// </summary>
[Collection(RealServersCollection.Name)]
public sealed class DifferentialTests(RealServers real)
{
    private const int CommandsPerSeed = 1500;

    /// Odd seeds speak RESP3, even seeds RESP2.
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Chorus_answers_every_command_as_redis_does(int seed)
    {
        var options = new RunOptions { Seeds = [seed], Commands = CommandsPerSeed };
        var result = await new DifferentialRun(real.Servers, options).RunSeedAsync(seed, TestContext.Current.CancellationToken);
        Assert.True(result.Mismatch is null, result.Mismatch?.ToString());
        Assert.Equal(CommandsPerSeed, result.Commands);
    }

}
