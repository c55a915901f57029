using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Keys;

/// <summary>
/// RANDOMKEY — a random live key of the selected database, nil when there is none. Picks a random
/// point in hash space and takes the first live key from there on (wrapping around); hashes are
/// uniform, so every key is about equally likely.
/// </summary>
internal static class RandomKeyCommand
{
    public static readonly CommandSpec Spec = new("RANDOMKEY", 1, CommandFlags.ReadOnly, 0, 0, 0, Read: Execute);

    private static void Execute(ReadContext context, RespCommand command, RespWriter reply)
    {
        using var keys = new KeyRange(context.Storage, context.Physical(context.Db));
        var start = (ulong)context.Random.NextInt64(0, long.MaxValue);
        keys.Seek(start);
        if (!MoveToLive(keys, context.NowMs, stopAtHash: ulong.MaxValue))
        {
            keys.SeekToFirst();
            if (!MoveToLive(keys, context.NowMs, stopAtHash: start))
            {
                reply.WriteNull();
                return;
            }
        }
        reply.WriteBulkString(keys.Key);
    }

    /// <summary>Moves to the first live key before <paramref name="stopAtHash"/>; false if none.</summary>
    private static bool MoveToLive(KeyRange keys, long nowMs, ulong stopAtHash)
    {
        for (; keys.Valid && keys.Hash < stopAtHash; keys.Next())
        {
            if (!KeyRecord.Parse(keys.Record).IsExpiredAt(nowMs))
            {
                return true;
            }
        }
        return false;
    }
}
