using Chorus.Commands.Execution;
using Chorus.Commands.Keyspace;
using Chorus.Commands.Values;
using Chorus.Resp;
using Chorus.Storage;

namespace Chorus.Commands.Data.Keys;

/// <summary>KEYS pattern — every live key matching a glob pattern, in hash order. O(n): as in Redis, not for production paths.</summary>
internal static class KeysCommand
{
    public static readonly CommandSpec Spec = new("KEYS", 2, CommandFlags.ReadOnly, 0, 0, 0, Read: Execute);

    private static void Execute(ReadContext context, RespCommand command, RespWriter reply)
    {
        var pattern = command[1];
        var everything = pattern is [(byte)'*'];
        var keys = new List<byte[]>();
        using var iterator = context.Storage.NewIterator(StorageColumn.Data);
        for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
        {
            var key = StoredKey.UserKey(iterator.Key);
            if ((everything || GlobPattern.IsMatch(pattern, key)) && !StoredValue.Parse(iterator.Value).IsExpiredAt(context.NowMs))
            {
                keys.Add(key.ToArray());
            }
        }
        reply.WriteArrayHeader(keys.Count);
        foreach (var key in keys)
        {
            reply.WriteBulkString(key);
        }
    }
}
