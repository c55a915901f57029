using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Keys;

/// <summary>KEYS pattern — every live key of the selected database matching a glob pattern, in hash order. O(n): as in Redis, not for production paths.</summary>
internal static class KeysCommand
{
    public static readonly CommandSpec Spec = new("KEYS", 2, CommandFlags.ReadOnly, 0, 0, 0, Read: Execute);

    private static void Execute(ReadContext context, RespCommand command, RespWriter reply)
    {
        var pattern = command[1];
        var everything = pattern is [(byte)'*'];
        var matches = new CountedReply(reply);
        using var keys = new KeyRange(context.Storage, context.Physical(context.Db));
        for (keys.SeekToFirst(); keys.Valid; keys.Next())
        {
            if ((everything || GlobPattern.IsMatch(pattern, keys.Key)) && !KeyRecord.Parse(keys.Record).IsExpiredAt(context.NowMs))
            {
                matches.Body.WriteBulkString(keys.Key);
                matches.Count++;
            }
        }
        matches.FinishArray();
    }
}
