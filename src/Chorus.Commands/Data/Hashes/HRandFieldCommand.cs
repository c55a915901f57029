using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Hashes;

/// <summary>
/// HRANDFIELD key [count [WITHVALUES]] — random fields: one (or nil) without a count; with a
/// positive count that many distinct ones (the whole hash at most); with a negative count that
/// many draws, repeats allowed. RESP3 nests each field-value pair in its own array.
/// </summary>
internal static class HRandFieldCommand
{
    public static readonly CommandSpec Spec = new("HRANDFIELD", -2, CommandFlags.ReadOnly, 1, 1, 1, Read: Execute);

    private static void Execute(ReadContext context, RespCommand command, RespWriter reply)
    {
        if (command.ArgumentCount == 2)
        {
            ReplyOne(context, command[1], reply);
            return;
        }
        if (!RandomSample.TryParseCount(command[2], reply, out var count))
        {
            return;
        }
        if (command.ArgumentCount > 4 || (command.ArgumentCount == 4 && !command.ArgumentIs(3, "WITHVALUES"u8)))
        {
            reply.WriteError(Errors.Syntax);
            return;
        }
        var withValues = command.ArgumentCount == 4;
        if (withValues && (count < -long.MaxValue / 2 || count > long.MaxValue / 2))
        {
            reply.WriteError(Errors.OutOfRange);
            return;
        }
        ReplyMany(context, command[1], count, withValues, reply);
    }

    private static void ReplyOne(ReadContext context, ReadOnlySpan<byte> key, RespWriter reply)
    {
        switch (TypedLookup.Find(context.GetLive(key), DataType.Hash, out var hash))
        {
            case LookupStatus.WrongType:
                reply.WriteError(Errors.WrongType);
                return;
            case LookupStatus.Absent:
                reply.WriteNull();
                return;
        }
        // A replica's walk can find the hash emptied since its record was read.
        var pairs = NamedElements.Collect(context, hash.CollectionId);
        if (pairs.Count == 0)
        {
            reply.WriteNull();
            return;
        }
        reply.WriteBulkString(pairs[context.Random.Next(pairs.Count)].Name);
    }

    private static void ReplyMany(ReadContext context, ReadOnlySpan<byte> key, long count, bool withValues, RespWriter reply)
    {
        var status = TypedLookup.Find(context.GetLive(key), DataType.Hash, out var hash);
        if (status == LookupStatus.WrongType)
        {
            reply.WriteError(Errors.WrongType);
            return;
        }
        if (status == LookupStatus.Absent || count == 0)
        {
            reply.WriteArrayHeader(0);
            return;
        }
        var pairs = NamedElements.Collect(context, hash.CollectionId);
        var picks = pairs.Count == 0 ? [] : RandomSample.Pick(context.Random, pairs.Count, count);
        var flat = withValues && reply.Protocol == RespProtocol.Resp2;
        reply.WriteArrayHeader(flat ? picks.Length * 2 : picks.Length);
        foreach (var i in picks)
        {
            if (withValues && !flat)
            {
                reply.WriteArrayHeader(2);
            }
            reply.WriteBulkString(pairs[i].Name);
            if (withValues)
            {
                reply.WriteBulkString(pairs[i].Value);
            }
        }
    }
}
