using System.Buffers.Binary;
using Chorus.Commands.Data.Keys;
using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Data.SortedSets;
using Chorus.Commands.Execution;
using Chorus.Commands.Keyspace;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data;

/// <summary>
/// HSCAN, SSCAN and ZSCAN key cursor [MATCH pattern] [COUNT count]. A collection's fields or
/// members are stored in order of a 32-bit hash of their name, and the cursor is the next hash to
/// visit, exactly like SCAN over keys: every element present for the whole iteration is returned
/// once, because a call never stops inside a group of equal hashes. Replies are flat arrays (field,
/// value / member / member, score), as in Redis.
/// </summary>
internal static class ElementScan
{
    public static readonly CommandSpec HScanSpec = Spec("HSCAN", DataType.Hash);

    public static readonly CommandSpec SScanSpec = Spec("SSCAN", DataType.Set);

    public static readonly CommandSpec ZScanSpec = Spec("ZSCAN", DataType.SortedSet);

    private static CommandSpec Spec(string name, DataType type) =>
        new(name, -3, CommandFlags.ReadOnly, 1, 1, 1, Read: (context, command, reply) => Execute(context, command, reply, type));

    private static void Execute(ReadContext context, RespCommand command, RespWriter reply, DataType type)
    {
        if (!IntegerText.TryParseCursor(command[2], out var cursor))
        {
            reply.WriteError(Errors.InvalidCursor);
            return;
        }
        if (!ScanOptions.TryParse(command, reply, out var options, first: 3, allowType: false))
        {
            return;
        }
        var status = TypedLookup.Find(context.GetLive(command[1]), type, out var record);
        if (status == LookupStatus.WrongType)
        {
            reply.WriteError(Errors.WrongType);
            return;
        }
        var items = new CountedReply(reply);
        var next = status == LookupStatus.Found && cursor <= uint.MaxValue
            ? Visit(context, record.CollectionId, type, (uint)cursor, options, items)
            : 0;
        reply.WriteArrayHeader(2);
        reply.WriteBulkString((long)next);
        items.FinishArray();
    }

    private static ulong Visit(ReadContext context, ulong id, DataType type, uint cursor, ScanOptions options, CountedReply items)
    {
        // A sorted set's member entries carry a leading 0x00 before the name hash.
        var prefix = type == DataType.SortedSet ? 1 : 0;
        Span<byte> target = stackalloc byte[prefix + ElementKey.NameHashLength];
        target[0] = ElementKey.ScoreByMember;
        BinaryPrimitives.WriteUInt32BigEndian(target[prefix..], cursor);
        using var elements = context.OpenElements(id);
        long visited = 0;
        uint lastHash = 0;
        for (elements.Seek(target); elements.Valid && (prefix == 0 || elements.SubKey[0] == ElementKey.ScoreByMember); elements.Next())
        {
            var subKey = elements.SubKey[prefix..];
            var hash = ElementKey.NameHashOf(subKey);
            if (visited >= options.Count && hash != lastHash)
            {
                return hash;
            }
            visited++;
            lastHash = hash;
            var name = ElementKey.NameOf(subKey);
            if (!options.Matches(name))
            {
                continue;
            }
            items.Body.WriteBulkString(name);
            items.Count++;
            if (type == DataType.Hash)
            {
                items.Body.WriteBulkString(elements.Value);
                items.Count++;
            }
            else if (type == DataType.SortedSet)
            {
                ScoreText.WriteBulk(items.Body, ScoreBytes.Decode(elements.Value));
                items.Count++;
            }
        }
        return 0;
    }
}
