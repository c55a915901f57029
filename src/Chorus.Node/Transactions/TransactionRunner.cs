using Chorus.Commands.Data.Keys;
using Chorus.Commands.Execution;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;
using Chorus.Core;
using Chorus.Core.Encoding;
using Chorus.Resp;
using Microsoft.Extensions.Logging;

namespace Chorus.Node;

/// <summary>
/// Runs a transaction (MULTI ... EXEC) on the node's loop, all of it in one go: nothing else runs
/// between its commands. Writes stage their changes as one group, so the whole transaction is
/// one log entry (one atomic storage batch here and on every follower, one unit in a rollback
/// file); reads see the staged keyspace, so they see the transaction's own earlier writes. A
/// command that fails at run time (wrong type, not an integer) replies with its error and the
/// others still run, as in Redis. Commands the loop does not run (server commands: PING, INFO)
/// get an empty reply slot; the connection runs them once the transaction is back.
/// </summary>
internal sealed class TransactionRunner(WriteExecutor executor, CommandTable commands, ReadContext reads, KeyWatches watches, LogStore log, ILogger logger)
{
    /// <summary>Runs <paramref name="batch"/> at <paramref name="nowMs"/>; returns the payload of its changes, or null.</summary>
    public byte[]? Run(ClientWriteBatch batch, long nowMs)
    {
        if (WatchFailed(batch, nowMs))
        {
            batch.WatchAborted = true;
            return null;
        }
        var reply = new RespWriter(batch.Replies, batch.Protocol);
        var db = batch.Db;
        executor.BeginGroup();
        reads.Staged = executor.Keyspace;
        reads.NowMs = nowMs;
        try
        {
            for (var i = 0; i < batch.Commands.Count; i++)
            {
                db = RunOne(batch.Commands[i], reply, nowMs, db);
                batch.ReplyEnds.Add(batch.Replies.WrittenCount);
            }
        }
        finally
        {
            reads.Staged = null;
        }
        batch.Db = db;
        return executor.EndGroup();
    }

    /// <summary>Runs one command in database <paramref name="db"/>; returns the database the next one runs in (SELECT changes it).</summary>
    private int RunOne(RespCommand command, RespWriter reply, long nowMs, int db)
    {
        if (!commands.TryGet(command[0], out var spec) || (spec.Write is null && spec.Read is null))
        {
            // SELECT changes the database of the commands after it (Redis runs it inside EXEC).
            if (System.Text.Ascii.EqualsIgnoreCase(command[0], "SELECT"u8) && command.ArgumentCount == 2 && DatabaseIndex.TryParse(command[1], reply, out var selected))
            {
                reply.WriteOk();
                return selected;
            }
            return db; // another server command, or SELECT's error just written: the connection runs the rest
        }
        try
        {
            if (spec.Write is not null)
            {
                executor.Execute(command, reply, nowMs, db);
            }
            else if (spec.Read is not null)
            {
                reads.Db = db;
                spec.Read(reads, command, reply);
                executor.Keyspace.ForgetLastRead();
            }
        }
        catch (Exception e) when (e is not InvariantViolationException)
        {
            logger.LogError(e, "command {Command} in a transaction failed", command.ToString());
            reply.WriteError(e is CorruptDataException ? $"ERR stored value does not decode: {e.Message}" : $"ERR internal error: {e.Message}");
        }
        return db;
    }

    /// <summary>
    /// WATCH: a watched key changed since it was watched, or (Redis 7.0) expired meanwhile; for a
    /// forwarded transaction, the leader's log changed one of its keys after the follower's position.
    /// </summary>
    private bool WatchFailed(ClientWriteBatch batch, long nowMs)
    {
        if (batch.Watch is { } watch)
        {
            if (watch.IsDirty)
            {
                return true;
            }
            var keyspace = executor.Keyspace;
            foreach (var (db, key, existed, expired) in watches.KeysOf(watch))
            {
                if (existed && !expired && keyspace.Get(keyspace.Physical(db), key) is { } record && KeyRecord.Parse(record).IsExpiredAt(nowMs))
                {
                    return true;
                }
            }
        }
        return batch.RemoteWatch is { } remote && ChangedSince(remote);
    }

    /// <summary>Whether an entry after <see cref="ForwardedWatch.After"/> touches a watched key (true as well when those entries are retired).</summary>
    private bool ChangedSince(ForwardedWatch remote)
    {
        var last = log.LastLsn();
        var next = remote.After.Next;
        while (next <= last)
        {
            var entries = log.Read(next, 1 << 20);
            if (entries.Count == 0 || entries[0].Lsn != next)
            {
                return true; // retired: the changes cannot be checked
            }
            foreach (var entry in entries)
            {
                if (entry.Kind == Core.Log.PayloadKind.Logical && LogicalPayload.Decode(entry.Payload.Span).Exists(c => Touches(c, remote.Keys)))
                {
                    return true;
                }
            }
            next = entries[^1].Lsn.Next;
        }
        return false;
    }

    private static bool Touches(RowChange change, IReadOnlyList<(int Db, byte[] Key)> keys) => change switch
    {
        RenameChange rename => Has(keys, rename.Db, rename.Key) || Has(keys, rename.TargetDb, rename.Target),
        CopyChange copy => Has(keys, copy.TargetDb, copy.Target),
        KeyChange key => Has(keys, key.Db, key.Key),
        FlushDbChange flush => keys.Any(k => k.Db == flush.Db),
        FlushAllChange => keys.Count > 0,
        SwapDbChange swap => keys.Any(k => k.Db == swap.Db || k.Db == swap.OtherDb),
        _ => false,
    };

    private static bool Has(IReadOnlyList<(int Db, byte[] Key)> keys, int db, byte[] key) => keys.Any(k => k.Db == db && k.Key.AsSpan().SequenceEqual(key));
}
