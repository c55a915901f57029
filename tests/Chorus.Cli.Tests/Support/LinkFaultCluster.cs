namespace Chorus.Cli.Tests.Support;

/// <summary>
/// One three-node cluster (n1 leads) with the fault commands on, shared by the tests of a class
/// that make a follower lag by holding its peer link (CHORUS.FAULT LINK PAUSE) and release it
/// again — each with keys of its own. Holding a link stops no process and changes no setting,
/// so the next test finds the cluster as the last one left it once the link is released;
/// <see cref="ReleaseLinksAsync"/>, run after every test, releases it even when a test failed
/// while it held it. The election timeout is long (10 s): a follower whose link is held hears
/// nothing from the leader and must not campaign meanwhile.
/// </summary>
public sealed class LinkFaultCluster : IAsyncLifetime
{
    private ProcessCluster? _cluster;

    internal ProcessCluster Cluster => _cluster ?? throw new InvalidOperationException("the shared cluster has not started");

    public async ValueTask InitializeAsync() =>
        _cluster = await ProcessCluster.StartAsync(3, null, "--fault-commands", "true", "--election-timeout-ms", "10000");

    /// <summary>
    /// Releases every node's held links, then waits until both followers stream again and have
    /// applied everything the leader has: what each test starts from.
    /// </summary>
    internal async Task ReleaseLinksAsync()
    {
        foreach (var member in Cluster.Members)
        {
            var reply = await Cluster.CommandAsync(member.Id, "CHORUS.FAULT", "LINK", "RESUME");
            Assert.False(reply.IsError, $"CHORUS.FAULT LINK RESUME at {member.Id}: {reply.AsString()}");
        }
        await Cluster.WaitForFollowersAsync(Cluster.Members.Count - 1);
        await Cluster.WaitForReplicationAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
