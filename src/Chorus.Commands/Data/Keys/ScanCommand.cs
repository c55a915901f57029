using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Execution;
using Chorus.Resp;

namespace Chorus.Commands.Data.Keys;

/// <summary>
/// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type] — iterates the selected database in hash order.
/// The cursor is the next hash prefix to visit, in decimal; 0 starts and ends an iteration.
/// Every key present for the whole iteration is returned exactly once, however the keyspace
/// changes in between, because a call never stops inside a group of keys sharing one hash.
/// </summary>
internal static class ScanCommand
{
    public static readonly CommandSpec Spec = new("SCAN", -2, CommandFlags.ReadOnly, 0, 0, 0, Read: Execute);

    private static void Execute(ReadContext context, RespCommand command, RespWriter reply)
    {
        if (!IntegerText.TryParseCursor(command[1], out var cursor))
        {
            reply.WriteError(Errors.InvalidCursor);
            return;
        }
        if (!ScanOptions.TryParse(command, reply, out var options))
        {
            return;
        }
        var keys = new List<byte[]>();
        var next = Visit(context, cursor, options, keys);
        reply.WriteArrayHeader(2);
        reply.WriteBulkString((long)next);
        reply.WriteArrayHeader(keys.Count);
        foreach (var key in keys)
        {
            reply.WriteBulkString(key);
        }
    }

    /// <summary>
    /// Visits at least <see cref="ScanOptions.Count"/> stored keys from hash <paramref name="cursor"/>
    /// on, then the rest of the last hash group; returns the next cursor (0 at the end).
    /// </summary>
    private static ulong Visit(ReadContext context, ulong cursor, ScanOptions options, List<byte[]> keys)
    {
        using var range = new KeyRange(context.Storage, context.Physical(context.Db));
        range.Seek(cursor);
        long visited = 0;
        ulong lastHash = 0;
        for (; range.Valid; range.Next())
        {
            var hash = range.Hash;
            if (visited >= options.Count && hash != lastHash)
            {
                return hash;
            }
            visited++;
            lastHash = hash;
            if (options.Accepts(range.Key, range.Record, context.NowMs))
            {
                keys.Add(range.Key.ToArray());
            }
        }
        return 0;
    }
}
