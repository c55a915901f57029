using Chorus.Commands.Data;
using Chorus.Commands.Execution;
using Chorus.Commands.Keyspace;
using Chorus.Commands.Logical;
using Chorus.Commands.Physical;
using Chorus.Commands.Statements;
using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Storage;
using Chorus.Storage.InMemory;

namespace Chorus.Simulation.Checkers.Prefix;

/// <summary>
/// What a replica's data must be: its log replayed, entry by entry in LSN order, into a fresh
/// in-memory engine with the production applier. Kept up to date incrementally; rebuilt from
/// scratch when the replica's log no longer holds what was replayed (a crash, a rollback).
/// </summary>
internal sealed class ShadowReplica
{
    private static readonly CommandTable Commands = new(DataCommands.All);

    private InMemoryStorageEngine _storage = new();
    private LogPosition _through = LogPosition.Zero;

    public Lsn Through => _through.Lsn;

    /// <summary>
    /// Replays what the replica's log gained since last time; returns the entries replayed, or
    /// null when the replica's log no longer starts at LSN 1 (its prefix was retired) and the
    /// replay cannot begin from scratch.
    /// </summary>
    public List<LogEntry>? CatchUp(IStorageEngine replica)
    {
        if (_through.Lsn != Lsn.Zero && LogColumn.At(replica, _through.Lsn)?.Position != _through)
        {
            _storage = new InMemoryStorageEngine();
            _through = LogPosition.Zero;
        }
        if (_through.Lsn == Lsn.Zero && LogColumn.First(replica) > new Lsn(1))
        {
            return null;
        }
        var replayed = LogColumn.From(replica, _through.Lsn.Next).ToList();
        if (replayed.Count == 0)
        {
            return replayed;
        }
        var keyspace = new StagedKeyspace(_storage);
        var statements = new StatementReplayer(Commands, new WriteExecutor(Commands, keyspace, new Random(0)));
        foreach (var entry in replayed)
        {
            if (entry.Kind == PayloadKind.Physical)
            {
                // Storage bytes, written as they are once what was staged before them is stored.
                Write(keyspace, entry.Lsn, batch => PhysicalApplier.Apply(PhysicalPayload.Decode(entry.Payload.Span), _storage, batch));
            }
            else if (entry.Kind == PayloadKind.Statement)
            {
                // Deterministic when the leader rewrote it (it carries the leader's clock); without
                // rewriting no replay can know what a replica chose, and the check says so.
                statements.Replay(entry.Payload.Span, entry.Timestamp.PhysicalMs);
            }
            else
            {
                LogApplier.Apply(entry, keyspace);
            }
        }
        Write(keyspace, replayed[^1].Lsn, _ => { });
        _through = replayed[^1].Position;
        return replayed;
    }

    /// <summary>Stores what is staged, then what <paramref name="more"/> adds, in one batch.</summary>
    private void Write(StagedKeyspace keyspace, Lsn lsn, Action<IStorageBatch> more)
    {
        using var batch = _storage.NewBatch();
        keyspace.FlushTo(batch, lsn);
        more(batch);
        _storage.Write(batch, sync: false);
    }

    public string Digest() => KeyspaceDigest.Compute(_storage).Digest;
}
