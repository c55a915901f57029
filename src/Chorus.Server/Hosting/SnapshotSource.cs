using System.Globalization;
using Chorus.Core;
using Chorus.Node;
using Chorus.Transport.Grpc;

namespace Chorus.Server.Hosting;

/// <summary>
/// Creates checkpoints for followers that need a snapshot: the node loop takes a RocksDB
/// checkpoint between two batches, so it is exactly the state at a known log position.
/// Checkpoints live under &lt;data&gt;/snapshots-outgoing and are deleted once sent.
/// </summary>
internal sealed class SnapshotSource(string dataDirectory, NodeInbox inbox, SnapshotProgress progress, TimeProvider clock) : ISnapshotSource
{
    public async Task<Snapshot> CreateAsync(string requester, CancellationToken cancellationToken)
    {
        var root = Path.Combine(dataDirectory, "snapshots-outgoing");
        Directory.CreateDirectory(root);
        var directory = Path.Combine(root, string.Create(CultureInfo.InvariantCulture, $"{clock.GetUtcNow().ToUnixTimeMilliseconds()}-{Sanitize(requester)}"));
        var created = new TaskCompletionSource<LogPosition>(TaskCreationOptions.RunContinuationsAsynchronously);
        inbox.Post(new CreateCheckpointInput(directory, requester, created));
        var position = await created.Task.WaitAsync(cancellationToken);
        progress.ServingStarted();
        return new Snapshot(directory, position, Release);
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
