using System.Globalization;
using Chorus.Cli.Tests.Support;
using Chorus.Client;

namespace Chorus.Cli.Tests;

/// <summary>
/// `chorus status` against a node that requires a password: the CLI authenticates with
/// CHORUS_PASSWORD, and says what to set when it is missing or wrong (issue 17: the CLI tools
/// did not authenticate, so they showed a password-protected cluster as unreachable).
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class StatusCommandTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Status_authenticates_with_the_password_from_the_environment_and_explains_a_missing_one()
    {
        await using var cluster = await ProcessCluster.StartAsync(1);
        var port = cluster["n1"].Port;
        await using (var admin = await RespConnection.ConnectAsync("127.0.0.1", port, TimeSpan.FromSeconds(5), CancellationToken.None))
        {
            Assert.Equal("OK", (await admin.CommandAsync(CancellationToken.None, "CONFIG", "SET", "requirepass", "s3cret")).AsString());
        }
        var endpoint = "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);

        var (_, without) = await NodeProcess.RunCliAsync(TimeSpan.FromSeconds(60), "status", "--endpoints", endpoint);
        output.WriteLine(without);
        Assert.Contains("unreachable", without, StringComparison.Ordinal);
        Assert.Contains("NOAUTH", without, StringComparison.Ordinal);
        Assert.Contains("set CHORUS_PASSWORD", without, StringComparison.Ordinal);

        var (_, wrong) = await NodeProcess.RunCliAsync(TimeSpan.FromSeconds(60), new Dictionary<string, string> { ["CHORUS_PASSWORD"] = "guess" }, "status", "--endpoints", endpoint);
        output.WriteLine(wrong);
        Assert.Contains("WRONGPASS", wrong, StringComparison.Ordinal);

        var (exit, with) = await NodeProcess.RunCliAsync(TimeSpan.FromSeconds(60), new Dictionary<string, string> { ["CHORUS_PASSWORD"] = "s3cret" }, "status", "--endpoints", endpoint);
        output.WriteLine(with);
        Assert.Equal(0, exit);
        var row = with.Split('\n').Single(l => l.StartsWith("n1 ", StringComparison.Ordinal));
        Assert.Equal("leader", row.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2]);
        Assert.DoesNotContain("NOAUTH", with, StringComparison.Ordinal);
    }
}
