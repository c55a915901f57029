using Chorus.Commands.Execution;
using Chorus.Commands.Keyspace;
using Chorus.Commands.Values;
using Chorus.Resp;
using Chorus.Storage;

namespace Chorus.Commands.Data.Keys;

/// <summary>
/// RANDOMKEY — a random live key, nil when there is none. Picks a random point in hash space
/// and takes the first live key from there on (wrapping around); hashes are uniform, so every
/// key is about equally likely.
/// </summary>
internal static class RandomKeyCommand
{
    public static readonly CommandSpec Spec = new("RANDOMKEY", 1, CommandFlags.ReadOnly, 0, 0, 0, Read: Execute);

    private static void Execute(ReadContext context, RespCommand command, RespWriter reply)
    {
        using var iterator = context.Storage.NewIterator(StorageColumn.Data);
        var start = (ulong)context.Random.NextInt64(0, long.MaxValue);
        iterator.Seek(StoredKey.SeekTarget(start));
        if (!MoveToLive(iterator, context.NowMs, stopAtHash: ulong.MaxValue))
        {
            iterator.SeekToFirst();
            if (!MoveToLive(iterator, context.NowMs, stopAtHash: start))
            {
                reply.WriteNull();
                return;
            }
        }
        reply.WriteBulkString(StoredKey.UserKey(iterator.Key));
    }

    /// <summary>Moves to the first live key before <paramref name="stopAtHash"/>; false if none.</summary>
    private static bool MoveToLive(IStorageIterator iterator, long nowMs, ulong stopAtHash)
    {
        for (; iterator.Valid && StoredKey.HashOf(iterator.Key) < stopAtHash; iterator.Next())
        {
            if (!StoredValue.Parse(iterator.Value).IsExpiredAt(nowMs))
            {
                return true;
            }
        }
        return false;
    }
}
