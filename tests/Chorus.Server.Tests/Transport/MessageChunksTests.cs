using Chorus.Core;
using Chorus.Core.Messaging;
using Chorus.Transport.Grpc;
using Chorus.Transport.Grpc.Protocol;
using Google.Protobuf;

namespace Chorus.Server.Tests.Transport;

/// <summary>
/// Issue 17, finding 1: large log entries travel between peers in pieces of at most 1 MiB, far
/// within the 64 MiB gRPC message cap, and are reassembled only when the pieces arrive in order
/// and add up; a peer that sends anything else gets its stream closed, never a crash.
/// </summary>
public sealed class MessageChunksTests
{
    private static readonly NodeId N1 = new("n1");
    private static readonly NodeId N2 = new("n2");

    [Fact]
    public void A_large_message_is_split_into_pieces_and_reassembled_byte_for_byte()
    {
        var bytes = new byte[(3 * MessageChunks.PieceBytes) + 12345];
        new Random(5).NextBytes(bytes);
        var message = new Envelope(N1, N2, MessageFamily.SingleLeader, bytes);
        Assert.True(MessageChunks.NeedsSplitting(message));
        var pieces = MessageChunks.Split("n1", message).ToList();
        Assert.Equal(4, pieces.Count);
        Assert.All(pieces, p => Assert.True(p.Part.Data.Length <= MessageChunks.PieceBytes && p.Messages.Count == 0 && p.Family == 1));

        var reassembly = new MessageReassembly();
        ReadOnlyMemory<byte> whole = default;
        for (var i = 0; i < pieces.Count; i++)
        {
            Assert.Equal(i == pieces.Count - 1, reassembly.TryAdd(pieces[i].Part, out whole, out var error));
            Assert.Null(error);
        }
        Assert.False(reassembly.InProgress);
        Assert.True(whole.Span.SequenceEqual(bytes));
    }

    [Fact]
    public void A_message_of_one_piece_or_less_travels_whole() =>
        Assert.False(MessageChunks.NeedsSplitting(new Envelope(N1, N2, MessageFamily.SingleLeader, new byte[MessageChunks.PieceBytes])));

    [Fact]
    public void Pieces_out_of_order_or_out_of_bounds_are_refused()
    {
        var pieces = MessageChunks.Split("n1", new Envelope(N1, N2, MessageFamily.SingleLeader, new byte[3 * MessageChunks.PieceBytes])).ToList();
        Assert.NotNull(RefusalOf(pieces[1].Part)); // not the first piece
        Assert.NotNull(RefusalOf(pieces[0].Part, pieces[2].Part)); // a piece skipped
        Assert.NotNull(RefusalOf(pieces[0].Part, new MessagePart { TotalBytes = pieces[0].Part.TotalBytes + 1, Offset = pieces[1].Part.Offset, Data = pieces[1].Part.Data })); // the length changed
        Assert.NotNull(RefusalOf(new MessagePart { TotalBytes = MessageChunks.MessageBytesMax + 1L, Offset = 0, Data = ByteString.CopyFrom(new byte[10]) }));
        Assert.NotNull(RefusalOf(new MessagePart { TotalBytes = 5, Offset = 0, Data = ByteString.CopyFrom(new byte[10]) }));
        Assert.NotNull(RefusalOf(new MessagePart { TotalBytes = 5, Offset = 0, Data = ByteString.Empty }));
    }

    private static string? RefusalOf(params MessagePart[] parts)
    {
        var reassembly = new MessageReassembly();
        string? error = null;
        foreach (var part in parts)
        {
            reassembly.TryAdd(part, out _, out error);
        }
        Assert.False(reassembly.InProgress && error is not null);
        return error;
    }
}
