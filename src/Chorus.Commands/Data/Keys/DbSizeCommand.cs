using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Keys;

/// <summary>
/// DBSIZE — the number of stored keys in the selected database. Like Redis, it counts keys that
/// are logically expired but not yet deleted by the leader's expiry cycle; not a multi-leader
/// tombstone (a deleted key kept for its versions). Redis keeps a counter; this walks the
/// database's records, O(n).
/// </summary>
internal static class DbSizeCommand
{
    public static readonly CommandSpec Spec = new("DBSIZE", 1, CommandFlags.ReadOnly | CommandFlags.Fast, 0, 0, 0, Read: Execute);

    private static void Execute(ReadContext context, RespCommand command, RespWriter reply)
    {
        long count = 0;
        using var keys = new KeyRange(context.Storage, context.Physical(context.Db));
        for (keys.SeekToFirst(); keys.Valid; keys.Next())
        {
            if (!KeyRecord.IsTombstoneRecord(keys.Record))
            {
                count++;
            }
        }
        reply.WriteInteger(count);
    }
}
