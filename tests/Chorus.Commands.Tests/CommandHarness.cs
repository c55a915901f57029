using System.Buffers;
using System.Text;
using Chorus.Commands.Data;
using Chorus.Commands.Execution;
using Chorus.Commands.Keyspace;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;
using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Resp;
using Chorus.Storage;
using Chorus.Storage.InMemory;

namespace Chorus.Commands.Tests;

/// <summary>
/// Runs commands the way a node does: table lookup, Redis's arity check, reads against the
/// local replica, writes through a <see cref="WriteExecutor"/> whose staged keyspace is flushed
/// into a storage batch. The clock is <see cref="NowMs"/>; randomness comes from a seed.
/// <para>
/// After every write that produced a payload it also proves the payload is a faithful row log:
/// (1) a follower that applies it through <see cref="LogApplier"/> reaches the leader's digest
/// and expiry index; (2) a replica of the pre-command state that applies it and then undoes it
/// (in reverse) is back at the pre-command digest, with a consistent expiry index.
/// </para>
/// </summary>
public sealed class CommandHarness : IDisposable
{
    /// <summary>An arbitrary fixed start time (2023-11-14), in Unix ms.</summary>
    public const long StartMs = 1_700_000_000_000;

    private static readonly NodeId LeaderId = new("leader");

    private readonly CommandTable _commands = new(DataCommands.All);
    private readonly InMemoryStorageEngine _leader = new();
    private readonly InMemoryStorageEngine _follower = new();
    private readonly InMemoryStorageEngine _mirror = new();
    private readonly StagedKeyspace _keyspace;
    private readonly WriteExecutor _executor;
    private readonly Random _readRandom;
    private ulong _lsn;

    public CommandHarness(int seed = 42)
    {
        _keyspace = new StagedKeyspace(_leader);
        _executor = new WriteExecutor(_commands, _keyspace, new Random(seed));
        _readRandom = new Random(seed + 1);
    }

    public long NowMs { get; set; } = StartMs;

    /// <summary>How large one write may be (the node's chorus-max-write-bytes).</summary>
    public WriteLimits Limits
    {
        get => _executor.Limits;
        set => _executor.Limits = value;
    }

    /// <summary>The payload of the last command (null when it changed nothing, or was a read).</summary>
    public byte[]? LastPayload { get; private set; }

    public IReadOnlyList<RowChange> LastChanges => LastPayload is null ? [] : LogicalPayload.Decode(LastPayload);

    /// <summary>How many log entries the writes so far produced.</summary>
    public int Payloads { get; private set; }

    /// <summary>The leader's storage, for digests and direct inspection.</summary>
    public IStorageEngine Storage => _leader;

    public void AdvanceMs(long ms) => NowMs += ms;

    /// <summary>Runs a command on a RESP2 connection.</summary>
    public RespValue Run(params string[] args) => Execute(RespProtocol.Resp2, args.Select(Encoding.UTF8.GetBytes).ToArray());

    /// <summary>Runs a command on a RESP3 connection.</summary>
    public RespValue Run3(params string[] args) => Execute(RespProtocol.Resp3, args.Select(Encoding.UTF8.GetBytes).ToArray());

    /// <summary>Runs a command with binary arguments on a RESP2 connection.</summary>
    public RespValue RunBytes(params byte[][] args) => Execute(RespProtocol.Resp2, args);

    public RespValue Execute(RespProtocol protocol, byte[][] args)
    {
        using var batch = new RequestBatch();
        batch.Add(args);
        var command = batch[0];
        var output = new ArrayBufferWriter<byte>();
        var reply = new RespWriter(output, protocol);
        LastPayload = null;
        if (!_commands.TryGet(command[0], out var spec))
        {
            reply.WriteError($"ERR unknown command '{Encoding.UTF8.GetString(command[0])}'");
        }
        else if (!spec.AcceptsArgumentCount(command.ArgumentCount))
        {
            reply.WriteError(Errors.WrongArgumentCount(spec.Name));
        }
        else if (spec.Write is not null)
        {
            RunWrite(command, reply);
        }
        else
        {
            spec.Read!(new ReadContext(_leader, _readRandom) { NowMs = NowMs }, command, reply);
        }
        var parsed = RespReplyParser.Parse(output.WrittenSpan);
        Assert.False(parsed.IsError && LastPayload is not null, $"{command} failed with {parsed} yet logged changes");
        return parsed;
    }

    public void Dispose()
    {
        _leader.Dispose();
        _follower.Dispose();
        _mirror.Dispose();
    }

    private void RunWrite(RespCommand command, RespWriter reply)
    {
        var before = KeyspaceDigest.Compute(_leader);
        var payload = _executor.Execute(command, reply, NowMs);
        Flush(_keyspace, _leader);
        LastPayload = payload;
        if (payload is null)
        {
            Assert.Equal(before, KeyspaceDigest.Compute(_leader));
            return;
        }
        Payloads++;
        ReplicateToFollower(payload);
        ApplyAndUndoOnMirror(payload, before);
    }

    /// <summary>Check (1): a follower applying the log entry ends up identical to the leader.</summary>
    private void ReplicateToFollower(byte[] payload)
    {
        var position = new LogPosition(new Epoch(1), new Lsn(++_lsn));
        var entry = LogEntry.Create(position, HlcTimestamp.From(NowMs, 0), LeaderId, PayloadKind.Logical, payload);
        var staged = new StagedKeyspace(_follower);
        LogApplier.Apply(entry, staged);
        Flush(staged, _follower);
        Assert.Equal(KeyspaceDigest.Compute(_leader), KeyspaceDigest.Compute(_follower));
        Assert.Equal(ExpiryIndex(_leader), ExpiryIndex(_follower));
    }

    /// <summary>Check (2): applying then undoing the changes restores the pre-command state.</summary>
    private void ApplyAndUndoOnMirror(byte[] payload, KeyspaceDigest.Result before)
    {
        var changes = LogicalPayload.Decode(payload);
        Assert.Equal(before, KeyspaceDigest.Compute(_mirror));
        ApplyAll(changes);
        Assert.Equal(KeyspaceDigest.Compute(_leader), KeyspaceDigest.Compute(_mirror));
        if (changes.Any(c => c is FlushAllChange))
        {
            // FLUSHALL carries no before-images: rolling back past it needs a snapshot.
            Assert.Throws<IrreversibleChangeException>(() => UndoAll(changes, new StagedKeyspace(_mirror)));
            return;
        }
        var staged = new StagedKeyspace(_mirror);
        UndoAll(changes, staged);
        Flush(staged, _mirror);
        Assert.Equal(before, KeyspaceDigest.Compute(_mirror));
        Assert.Equal(ExpectedExpiryIndex(_mirror), ExpiryIndex(_mirror));
        ApplyAll(changes);
    }

    private void ApplyAll(List<RowChange> changes)
    {
        var staged = new StagedKeyspace(_mirror);
        foreach (var change in changes)
        {
            RowChangeApplier.Apply(change, staged);
        }
        Flush(staged, _mirror);
    }

    private static void UndoAll(List<RowChange> changes, StagedKeyspace staged)
    {
        for (var i = changes.Count - 1; i >= 0; i--)
        {
            RowChangeApplier.Undo(changes[i], staged);
        }
    }

    private static void Flush(StagedKeyspace staged, IStorageEngine storage)
    {
        using var batch = storage.NewBatch();
        staged.FlushTo(batch);
        storage.Write(batch, sync: false);
    }

    /// <summary>The expiry column's entries, as hex for readable failures.</summary>
    private static List<string> ExpiryIndex(IStorageEngine storage)
    {
        var entries = new List<string>();
        using var iterator = storage.NewIterator(StorageColumn.Expiry);
        for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
        {
            entries.Add(Convert.ToHexString(iterator.Key));
        }
        return entries;
    }

    /// <summary>The expiry entries the data column calls for: one per key with an expiry.</summary>
    private static List<string> ExpectedExpiryIndex(IStorageEngine storage)
    {
        var entries = new List<string>();
        using var iterator = storage.NewIterator(StorageColumn.Data);
        for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
        {
            var expiresAtMs = StoredValue.ExpiryOf(iterator.Value);
            if (expiresAtMs != 0)
            {
                entries.Add(Convert.ToHexString(ExpiryIndexKey.Create(expiresAtMs, StoredKey.UserKey(iterator.Key))));
            }
        }
        entries.Sort(StringComparer.Ordinal);
        return entries;
    }
}
