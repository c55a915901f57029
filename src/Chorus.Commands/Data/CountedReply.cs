using System.Buffers;
using Chorus.Resp;

namespace Chorus.Commands.Data;

/// <summary>
/// An aggregate reply whose length is known only once its elements are written: a read on a
/// replica walks a collection while the apply loop may change it, so the element count in the
/// record can differ from what the walk finds. Elements go to a scratch buffer; the Finish methods
/// writes the header with the true count, then the elements.
/// </summary>
internal sealed class CountedReply(RespWriter reply)
{
    private readonly ArrayBufferWriter<byte> _body = new(256);

    /// <summary>Where the elements go (same protocol as the reply).</summary>
    public RespWriter Body => new(_body, reply.Protocol);

    /// <summary>Elements (or, for maps, pairs) written so far; the caller counts.</summary>
    public int Count { get; set; }

    public void FinishArray()
    {
        reply.WriteArrayHeader(Count);
        reply.WriteRaw(_body.WrittenSpan);
    }

    public void FinishSet()
    {
        reply.WriteSetHeader(Count);
        reply.WriteRaw(_body.WrittenSpan);
    }

    public void FinishMap()
    {
        reply.WriteMapHeader(Count);
        reply.WriteRaw(_body.WrittenSpan);
    }
}
