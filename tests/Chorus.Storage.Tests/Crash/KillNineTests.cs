using System.Globalization;
using Chorus.Storage.RocksDb;
using Chorus.Storage.Tests.Support;

namespace Chorus.Storage.Tests.Crash;

/// <summary>
/// DESIGN §3, with a real process and SIGKILL: "a crash never leaves data and log disagreeing".
/// A child writes apply batches into RocksDB; it is killed at a random moment, the directory is
/// reopened and checked, and the next round's child carries on from what survived.
/// </summary>
public sealed class KillNineTests(ITestOutputHelper output) : IDisposable
{
    private const int Rounds = 3;
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(15);
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    /// <summary>
    /// Both policies promise a returned Write survives a process crash (IStorageEngine.Write);
    /// sync only adds power loss, which kill -9 does not test.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Killed_writer_leaves_whole_batches_and_every_committed_one(bool sync)
    {
        var seed = Seed();
        output.WriteLine($"seed {seed} (set CHORUS_TEST_SEED={seed} to replay the kill timing), sync={sync}");
        var random = new Random(seed);
        ulong recovered = 0;
        for (var round = 0; round < Rounds; round++)
        {
            using var writer = CrashWriterProcess.Start(_directory.Path, sync);
            Assert.Equal(recovered, await writer.OpenedAsync(_timeout));
            var killAt = recovered + 1 + (ulong)random.Next(300);
            await writer.WaitForCommittedAsync(killAt, _timeout);

            var committed = await writer.KillAsync(_timeout);
            var applied = ApplyBatchVerifier.Verify(_directory.Path);

            output.WriteLine($"round {round}: killed after committed {committed} (waited for {killAt}); recovered applied {applied}");
            Assert.True(applied >= committed, $"batch {committed} was reported committed but only {applied} survived");
            recovered = applied;
        }
    }

    /// <summary>The LOCK file keeps a second node off a live node's directory, and dies with the first.</summary>
    [Fact]
    public async Task A_directory_held_by_a_live_process_cannot_be_opened_until_it_dies()
    {
        using var writer = CrashWriterProcess.Start(_directory.Path, sync: false);
        await writer.WaitForCommittedAsync(1, _timeout);

        var error = Assert.Throws<StorageOpenException>(
            () => RocksDbStorageEngine.Open(_directory.Path, RocksDbStorageOptions.Default));
        Assert.Contains(_directory.Path, error.Message);
        Assert.Contains("locked", error.Message);
        await writer.KillAsync(_timeout);

        Assert.True(File.Exists(Path.Combine(_directory.Path, "LOCK")));
        Assert.True(ApplyBatchVerifier.Verify(_directory.Path) >= 1);
    }

    private static int Seed() =>
        Environment.GetEnvironmentVariable("CHORUS_TEST_SEED") is { Length: > 0 } text
            ? int.Parse(text, CultureInfo.InvariantCulture)
            : Random.Shared.Next();
}
