using Chorus.Core;

namespace Chorus.Node.Resync;

/// <summary>What a Merkle resync moved, counted as encoded frame bytes on the wire.</summary>
public sealed record ResyncStats(long BytesToLeader, long BytesToFollower, int Frames, long RowsCopied, long RowsRemoved, int DifferingRanges);

/// <summary>
/// Runs both sides of a Merkle resync against each other in memory, through the wire codec: the
/// simulator's transfer and the tests use it; the server carries the same frames over gRPC.
/// </summary>
public static class ResyncExchange
{
    public static ResyncStats Run(NodeId follower, ResyncLeaderSide leader, ResyncFollowerSide followerSide)
    {
        var (toLeader, toFollower, frames) = (0L, 0L, 0);
        var outbound = new Queue<ResyncFrame>([new ResyncOpen(follower)]);
        while (outbound.Count > 0)
        {
            var sent = ResyncFrameCodec.Encode(outbound.Dequeue());
            toLeader += sent.Length;
            frames++;
            foreach (var reply in leader.OnFrame(ResyncFrameCodec.Decode(sent)))
            {
                var encoded = ResyncFrameCodec.Encode(reply);
                toFollower += encoded.Length;
                frames++;
                foreach (var answer in followerSide.OnFrame(ResyncFrameCodec.Decode(encoded)))
                {
                    outbound.Enqueue(answer);
                }
            }
        }
        Invariant.That(followerSide.Complete, "a Merkle resync run in memory ends complete");
        var patch = followerSide.Patch!;
        return new ResyncStats(toLeader, toFollower, frames, patch.RowsWritten, patch.RowsRemoved, patch.Ranges.Count);
    }
}
