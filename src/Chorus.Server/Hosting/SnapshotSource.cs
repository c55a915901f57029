using System.Diagnostics;
using System.Globalization;
using Chorus.Core;
using Chorus.Node;
using Chorus.Storage;
using Chorus.Storage.RocksDb;
using Chorus.Transport.Grpc;
using Microsoft.Extensions.Logging;

namespace Chorus.Server.Hosting;

/// <summary>
/// Creates checkpoints for followers that need a snapshot: the node loop takes a RocksDB
/// checkpoint between two batches, so it is exactly the state at a known log position.
/// A checkpoint for a node to install then loses its committed log prefix, off the loop
/// (<see cref="SnapshotLog"/>): the joiner takes the log from the leader, and with 1 KiB values
/// that prefix was half of every snapshot's bytes.
/// Checkpoints live under &lt;data&gt;/snapshots-outgoing and are deleted once sent.
/// </summary>
internal sealed class SnapshotSource(string dataDirectory, NodeInbox inbox, SnapshotProgress progress, TimeProvider clock, ILogger<SnapshotSource> logger) : ISnapshotSource
{
    public async Task<Snapshot> CreateAsync(string requester, SnapshotContents contents, CancellationToken cancellationToken)
    {
        var root = Path.Combine(dataDirectory, "snapshots-outgoing");
        Directory.CreateDirectory(root);
        var directory = Path.Combine(root, string.Create(CultureInfo.InvariantCulture, $"{clock.GetUtcNow().ToUnixTimeMilliseconds()}-{Sanitize(requester)}"));
        var created = new TaskCompletionSource<CheckpointTaken>(TaskCreationOptions.RunContinuationsAsynchronously);
        inbox.Post(new CreateCheckpointInput(directory, requester, created));
        var taken = await created.Task.WaitAsync(cancellationToken);
        progress.ServingStarted();
        var snapshot = new Snapshot(directory, taken.Position, Release);
        try
        {
            if (contents == SnapshotContents.ForInstall)
            {
                LeaveOutCommittedLog(directory, taken.CommittedThrough);
            }
            return snapshot;
        }
        catch
        {
            snapshot.Dispose();
            throw;
        }
    }

    /// <summary>Retires the copy's committed log prefix and frees its files before anything is sent.</summary>
    private void LeaveOutCommittedLog(string directory, Lsn committedThrough)
    {
        var started = Stopwatch.StartNew();
        using var copy = RocksDbStorageEngine.Open(directory, RocksDbStorageOptions.Default);
        var before = copy.ApproximateSize(StorageColumn.Log);
        var through = SnapshotLog.RetireCommittedPrefix(copy, committedThrough);
        if (through == Lsn.Zero)
        {
            return;
        }
        var (from, last) = SnapshotLog.RetiredKeys(through);
        copy.DropDeletedRange(StorageColumn.Log, from, last);
        logger.LogInformation("snapshot {Directory}: left out the committed log through LSN {Through} (about {Bytes} bytes) in {Ms} ms",
            Path.GetFileName(directory), through, before - copy.ApproximateSize(StorageColumn.Log), started.ElapsedMilliseconds);
    }

    private void Release(Snapshot snapshot)
    {
        progress.ServingEnded();
        try
        {
            Directory.Delete(snapshot.Directory, recursive: true);
        }
        catch (IOException)
        {
            // removed at the next start (see SnapshotSwap)
        }
    }

    private static string Sanitize(string name) => new([.. name.Where(char.IsAsciiLetterOrDigit)]);
}
