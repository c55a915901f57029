using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Execution;
using Chorus.Commands.Keyspace;
using Chorus.Resp;
using Chorus.Storage;

namespace Chorus.Commands.Data.Keys;

/// <summary>
/// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type] — iterates the keyspace in hash order.
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
        using var iterator = context.Storage.NewIterator(StorageColumn.Data);
        iterator.Seek(StoredKey.SeekTarget(cursor));
        long visited = 0;
        ulong lastHash = 0;
        for (; iterator.Valid; iterator.Next())
        {
            var hash = StoredKey.HashOf(iterator.Key);
            if (visited >= options.Count && hash != lastHash)
            {
                return hash;
            }
            visited++;
            lastHash = hash;
            var key = StoredKey.UserKey(iterator.Key);
            if (options.Accepts(key, iterator.Value, context.NowMs))
            {
                keys.Add(key.ToArray());
            }
        }
        return 0;
    }
}
