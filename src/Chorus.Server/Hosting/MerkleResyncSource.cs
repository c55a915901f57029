using Chorus.Core;
using Chorus.Node.Resync;
using Chorus.Storage.RocksDb;
using Chorus.Transport.Grpc;
using Microsoft.Extensions.Logging;

namespace Chorus.Server.Hosting;

/// <summary>
/// The leader's side of a follower's Merkle resync: a checkpoint taken on the loop at a known
/// position pins the cut (the core keeps the log after it for this follower, as for a snapshot),
/// and <see cref="ResyncLeaderSide"/> answers the follower's frames from it. The checkpoint is
/// deleted when the call ends.
/// </summary>
internal sealed class MerkleResyncSource(ISnapshotSource snapshots, ILogger<MerkleResyncSource> logger) : IResyncSource
{
    public async Task ServeAsync(NodeId follower, IAsyncEnumerable<ReadOnlyMemory<byte>> frames, Func<byte[], CancellationToken, Task> send, CancellationToken cancellationToken)
    {
        using var snapshot = await snapshots.CreateAsync(follower.Value, SnapshotContents.Whole, cancellationToken);
        using var checkpoint = RocksDbStorageEngine.Open(snapshot.Directory, RocksDbStorageOptions.Default);
        var leader = new ResyncLeaderSide(checkpoint, snapshot.Position);
        var (received, sent) = (0L, 0L);
        await foreach (var data in frames.WithCancellation(cancellationToken))
        {
            received += data.Length;
            foreach (var reply in leader.OnFrame(ResyncFrameCodec.Decode(data.Span)))
            {
                var encoded = ResyncFrameCodec.Encode(reply);
                sent += encoded.Length;
                await send(encoded, cancellationToken);
            }
        }
        logger.LogInformation("Merkle resync of {Follower} at {Position}: sent {Rows} rows ({RowBytes} key and value bytes), {Sent} bytes in all; received {Received} bytes",
            follower, snapshot.Position, leader.RowsSent, leader.RowBytesSent, sent, received);
    }
}
