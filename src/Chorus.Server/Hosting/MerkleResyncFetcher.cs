using System.Diagnostics;
using Chorus.Core;
using Chorus.Node;
using Chorus.Node.Resync;
using Chorus.Replication;
using Chorus.Storage.RocksDb;
using Chorus.Transport.Grpc;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Chorus.Server.Hosting;

/// <summary>
/// The follower's side of a Merkle resync. It never touches the live database: it takes a
/// checkpoint of its own database into &lt;data&gt;/snapshot-incoming (hard links, cheap), runs
/// <see cref="ResyncFollowerSide"/> over it against the leader, and only once the copy's tree
/// root equals the leader's checkpoint's is it fsynced and marked complete — then the host
/// installs it exactly as a downloaded snapshot (<see cref="SnapshotSwap"/>). A crash before the
/// marker leaves the old database, which the next start keeps (and the unfinished copy is deleted);
/// the node can never come back claiming the leader's position with half the rows.
/// </summary>
internal sealed class MerkleResyncFetcher(string dataDirectory, NodeId self, GrpcTransport transport, NodeInbox inbox, SnapshotProgress progress, TimeProvider clock, ILogger<MerkleResyncFetcher> logger)
{
    /// <summary>Not a node id (it has spaces): the checkpoint pins nothing in the core.</summary>
    private const string CopyRequester = "local copy for a Merkle resync";

    public async Task RunAsync(NodeId leader, CancellationToken cancellationToken)
    {
        var incoming = Path.Combine(dataDirectory, SnapshotSwap.IncomingDirectory);
        if (Directory.Exists(incoming))
        {
            Directory.Delete(incoming, recursive: true);
        }
        var started = Stopwatch.StartNew();
        progress.Begin(leader.Value, NowMs, FollowerResync.Merkle);
        var copied = new TaskCompletionSource<CheckpointTaken>(TaskCreationOptions.RunContinuationsAsynchronously);
        inbox.Post(new CreateCheckpointInput(incoming, CopyRequester, copied));
        await copied.Task.WaitAsync(cancellationToken);
        ResyncFollowerSide side;
        var (received, sent) = (0L, 0L);
        using (var copy = RocksDbStorageEngine.Open(incoming, RocksDbStorageOptions.Default))
        {
            side = new ResyncFollowerSide(copy);
            using var call = transport.Resync(leader, cancellationToken);
            sent += await SendAsync(call, new ResyncOpen(self), cancellationToken);
            await foreach (var frame in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                received += frame.Data.Length;
                progress.Advance(frame.Data.Length);
                var decoded = ResyncFrameCodec.Decode(frame.Data.Span);
                if (decoded is ResyncHeader header)
                {
                    progress.Manifest(header.Position, 0);
                }
                foreach (var answer in side.OnFrame(decoded))
                {
                    sent += await SendAsync(call, answer, cancellationToken);
                }
                if (side.Complete)
                {
                    break;
                }
            }
            await call.RequestStream.CompleteAsync();
            if (!side.Complete)
            {
                throw new IOException("the leader ended the Merkle resync before sending every row");
            }
            copy.Sync(); // the rows are on disk before the marker says the copy is whole
        }
        var position = side.Header!.Position;
        SnapshotSwap.WriteMarker(incoming, position);
        var patch = side.Patch!;
        progress.MerkleFinished(new MerkleResyncSummary(received, sent, patch.Ranges.Count, patch.RowsWritten, patch.BytesWritten, patch.RowsRemoved, side.Header.LeaderRows, started.ElapsedMilliseconds));
        progress.Downloaded(NowMs);
        logger.LogInformation(
            "Merkle resync from {Leader} at {Position}: {Ranges} leaf ranges differed; copied {Rows} of the leader's {LeaderRows} rows ({RowBytes} key and value bytes), removed {Removed} of ours; {Received} bytes received, {Sent} sent, {Ms} ms; restarting on it",
            leader, position, patch.Ranges.Count, patch.RowsWritten, side.Header.LeaderRows, patch.BytesWritten, patch.RowsRemoved, received, sent, started.ElapsedMilliseconds);
    }

    private async Task<long> SendAsync(AsyncDuplexStreamingCall<Transport.Grpc.Protocol.ResyncFrame, Transport.Grpc.Protocol.ResyncFrame> call, ResyncFrame frame, CancellationToken cancellationToken)
    {
        var encoded = ResyncFrameCodec.Encode(frame);
        var message = new Transport.Grpc.Protocol.ResyncFrame { Data = ByteString.CopyFrom(encoded) };
        if (frame is ResyncOpen)
        {
            message.From = self.Value;
        }
        await call.RequestStream.WriteAsync(message, cancellationToken);
        return encoded.Length;
    }

    private long NowMs => clock.GetUtcNow().ToUnixTimeMilliseconds();
}
