using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;
using Chorus.Storage;

namespace Chorus.Commands.Data.Keys;

/// <summary>
/// DBSIZE — the number of stored keys. Like Redis, it counts keys that are logically expired
/// but not yet deleted by the leader's expiry cycle; not a multi-leader tombstone (a deleted key kept for its versions). Redis keeps a counter; this iterates the
/// data column, O(n), because a counter would have to be kept exact across apply and rollback.
/// </summary>
internal static class DbSizeCommand
{
    public static readonly CommandSpec Spec = new("DBSIZE", 1, CommandFlags.ReadOnly | CommandFlags.Fast, 0, 0, 0, Read: Execute);

    private static void Execute(ReadContext context, RespCommand command, RespWriter reply)
    {
        long count = 0;
        using var iterator = context.Storage.NewIterator(StorageColumn.Data);
        for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
        {
            if (!StoredValue.IsTombstoneRecord(iterator.Value))
            {
                count++;
            }
        }
        reply.WriteInteger(count);
    }
}
