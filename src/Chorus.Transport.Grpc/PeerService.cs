using Chorus.Core;
using Chorus.Core.Messaging;
using Chorus.Transport.Grpc.Protocol;
using Chorus.Transport.Grpc.Security;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chorus.Transport.Grpc;

/// <summary>
/// The server side of the peer protocol: receives streams, forwarded writes and snapshot
/// requests, each only from an authenticated member (<see cref="PeerAuthenticator"/>): the
/// sender of every message delivered is the node that proved who it is, never what a frame says.
/// </summary>
public sealed class PeerService(IPeerInbox inbox, IForwardHandler forwards, ISessionHandler sessions, ISnapshotSource snapshots, IResyncSource resyncs, PeerAuthenticator peers, IHostApplicationLifetime lifetime, ILogger<PeerService> logger) : Peer.PeerBase
{
    public override async Task FetchSnapshot(SnapshotRequest request, IServerStreamWriter<SnapshotChunk> responseStream, ServerCallContext context)
    {
        var caller = Authenticate(context, request.From, nameof(FetchSnapshot));
        using var snapshot = await snapshots.CreateAsync(caller.Value, SnapshotContents.ForInstall, context.CancellationToken);
        var (files, manifest) = SnapshotStream.Describe(snapshot);
        logger.LogInformation("sending {Requester} a snapshot at {Position}: {Files} files, {Bytes} bytes", request.From, snapshot.Position, files.Length, manifest.TotalBytes);
        await responseStream.WriteAsync(new SnapshotChunk { Manifest = manifest }, context.CancellationToken);
        await SnapshotChunks.SendAsync(files, responseStream.WriteAsync, context.CancellationToken);
    }

    public override async Task Resync(IAsyncStreamReader<ResyncFrame> requestStream, IServerStreamWriter<ResyncFrame> responseStream, ServerCallContext context)
    {
        if (!await requestStream.MoveNext(context.CancellationToken))
        {
            return;
        }
        var caller = Authenticate(context, requestStream.Current.From, nameof(Resync));
        await resyncs.ServeAsync(caller, Frames(requestStream, context.CancellationToken), (data, ct) => responseStream.WriteAsync(new ResyncFrame { Data = ByteString.CopyFrom(data) }, ct), context.CancellationToken);
    }

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> Frames(IAsyncStreamReader<ResyncFrame> stream, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        yield return stream.Current.Data.Memory;
        while (await stream.MoveNext(cancellationToken))
        {
            yield return stream.Current.Data.Memory;
        }
    }

    public override async Task<StreamSummary> Stream(IAsyncStreamReader<PeerFrame> requestStream, ServerCallContext context)
    {
        // Streams never end on their own: end them when the node stops, so shutdown is prompt.
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        ulong frames = 0;
        NodeId? caller = null;
        var pieces = new MessageReassembly();
        try
        {
            await foreach (var frame in requestStream.ReadAllAsync(ended.Token))
            {
                frames++;
                // The first frame says who is streaming; every later one must say the same.
                caller ??= Authenticate(context, frame.From, nameof(Stream));
                var from = caller.Value;
                if (frame.From != from.Value || !peers.IsMember(from))
                {
                    throw Refuse(context, nameof(Stream), from.Value, new Status(StatusCode.PermissionDenied, $"{from} sent a frame as '{frame.From}', or is no longer a member"));
                }
                if (!TryParseFamily(frame, from, out var family))
                {
                    continue;
                }
                if (frame.Part is not null || pieces.InProgress)
                {
                    // A large message in pieces: delivered once whole; anything out of order ends the stream.
                    var error = frame.Part is null || frame.Messages.Count > 0 ? "messages arrived in the middle of a message sent in pieces" : null;
                    if (error is null && pieces.TryAdd(frame.Part!, out var whole, out error))
                    {
                        inbox.Deliver(new Envelope(from, inbox.Self, family, whole));
                    }
                    if (error is not null)
                    {
                        throw Refuse(context, nameof(Stream), from.Value, new Status(StatusCode.InvalidArgument, error));
                    }
                    continue;
                }
                foreach (var bytes in frame.Messages)
                {
                    inbox.Deliver(new Envelope(from, inbox.Self, family, bytes.Memory));
                }
            }
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // this node is stopping
        }
        return new StreamSummary { Frames = frames };
    }

    public override async Task<ForwardReply> Forward(ForwardRequest request, ServerCallContext context)
    {
        var caller = Authenticate(context, request.From, nameof(Forward));
        var commands = request.Commands
            .Select(c => (IReadOnlyList<ReadOnlyMemory<byte>>)[.. c.Args.Select(a => a.Memory)])
            .ToArray();
        var transaction = request.Transaction
            ? new ForwardedTransaction(new Lsn(request.WatchAfterLsn), [.. request.Watched.Select(w => ((int)Math.Min(w.Db, int.MaxValue), w.Key.ToByteArray()))])
            : null;
        var result = await forwards.ForwardAsync(new ForwardedWrites((int)request.Protocol, commands, caller.Value, (int)Math.Min(request.Db, int.MaxValue)) { Transaction = transaction, Session = request.Session }, context.CancellationToken);
        var reply = new ForwardReply
        {
            Replies = UnsafeByteOperations.UnsafeWrap(result.Replies),
            WaitLsn = result.WaitLsn.Value,
            Error = result.Error ?? "",
            Aborted = result.Aborted,
            Db = (uint)result.Db,
            FirstLsn = result.FirstWritten.Value,
            LastLsn = result.LastWritten.Value,
            Epoch = result.WrittenEpoch.Value,
        };
        reply.ReplyEnds.AddRange(result.ReplyEnds.Select(e => (uint)e));
        return reply;
    }

    public override Task<SessionReply> Session(SessionRequest request, ServerCallContext context)
    {
        Authenticate(context, request.From, nameof(Session));
        return sessions.SessionAsync(request, context.CancellationToken);
    }

    /// <summary>The frame's family; a frame with a family that cannot exist is dropped with a warning (a hostile peer never crashes us).</summary>
    private bool TryParseFamily(PeerFrame frame, NodeId from, out MessageFamily family)
    {
        family = new MessageFamily((byte)Math.Min(frame.Family, byte.MaxValue));
        if (frame.Family > byte.MaxValue)
        {
            logger.LogWarning("dropped {Count} messages in a frame from {From}: family {Family} does not exist", frame.Messages.Count, from, frame.Family);
            return false;
        }
        return true;
    }

    private NodeId Authenticate(ServerCallContext context, string claimed, string call)
    {
        try
        {
            return peers.Authenticate(context, claimed);
        }
        catch (RpcException e)
        {
            throw Refuse(context, call, claimed, e.Status);
        }
    }

    private RpcException Refuse(ServerCallContext context, string call, string caller, Status status)
    {
        logger.LogWarning("refused a peer {Call} from '{Caller}' at {Address}: {Reason}", call, caller, context.Peer, status.Detail);
        return new RpcException(status);
    }
}
