using System.Buffers;
using System.Text;
using Chorus.Commands.Data;
using Chorus.Commands.Execution;
using Chorus.Commands.Keyspace;
using Chorus.Commands.Logical;
using Chorus.Commands.Statements;
using Chorus.Core;
using Chorus.Core.Log;
using Chorus.Resp;
using Chorus.Storage;
using Chorus.Storage.InMemory;

namespace Chorus.Commands.Tests.Support;

/// <summary>
/// Runs commands the way a node does: table lookup, Redis's arity check, reads against the
/// local replica, writes through a <see cref="WriteExecutor"/> whose staged keyspace is flushed
/// into a storage batch. The clock is <see cref="NowMs"/>; randomness comes from a seed; the
/// connection's database is <see cref="Db"/>.
/// <para>
/// After every write that produced a payload it also proves the payload is a faithful row log:
/// (1) a follower that applies it through <see cref="LogApplier"/> reaches the leader's digest
/// and a valid physical layout (<see cref="LayoutCheck"/>); (2) a replica of the pre-command state
/// that applies it and then undoes it (in reverse) is back at the pre-command digest, with a valid
/// layout — the undo finds what a deletion left as garbage; (3) a statement-format follower —
/// another seed, a clock <see cref="StatementFollowerSkewMs"/> ahead — that executes the rewritten
/// statement (<see cref="EntryFormatter"/>) again reaches the leader's digest too. With <see cref="CollectGarbage"/>, the
/// leader also collects garbage of retired entries as it goes, and the layout must stay valid.
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
    private readonly InMemoryStorageEngine _statementFollower = new();
    private readonly StagedKeyspace _statementKeyspace;
    private readonly StatementReplayer _statements;
    private readonly StagedKeyspace _keyspace;
    private readonly WriteExecutor _executor;
    private readonly Random _readRandom;
    private ulong _lsn;

    public CommandHarness(int seed = 42)
    {
        _keyspace = new StagedKeyspace(_leader);
        _executor = new WriteExecutor(_commands, _keyspace, new Random(seed));
        _readRandom = new Random(seed + 1);
        _statementKeyspace = new StagedKeyspace(_statementFollower);
        _statements = new StatementReplayer(_commands, new WriteExecutor(_commands, _statementKeyspace, new Random(seed + 2)));
    }

    /// <summary>How far the statement follower's own clock runs ahead of the leader's.</summary>
    public const long StatementFollowerSkewMs = 1234;

    /// <summary>The statement the last write was logged as, in the statement format with rewriting on.</summary>
    public Statement? LastStatement { get; private set; }

    public long NowMs { get; set; } = StartMs;

    /// <summary>How large one write may be (the node's chorus-max-write-bytes).</summary>
    public WriteLimits Limits
    {
        get => _executor.Limits;
        set => _executor.Limits = value;
    }

    /// <summary>The connection's selected database (what SELECT sets on a real connection).</summary>
    public int Db { get; set; }

    /// <summary>Collect garbage of all but the last few entries on the leader as writes go (a retired log).</summary>
    public bool CollectGarbage { get; set; }

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

    /// <summary>The last command's reply as sent (a null array and a null bulk parse alike).</summary>
    public byte[] LastReplyBytes { get; private set; } = [];

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
            spec.Read!(new ReadContext(_leader, _readRandom) { NowMs = NowMs, Db = Db }, command, reply);
        }
        LastReplyBytes = output.WrittenSpan.ToArray();
        var parsed = RespReplyParser.Parse(output.WrittenSpan);
        Assert.False(parsed.IsError && LastPayload is not null, $"{command} failed with {parsed} yet logged changes");
        return parsed;
    }

    /// <summary>
    /// One pass of the leader's active expiry, as the node runs it: each due key (of any database)
    /// is deleted by its own log entry, checked like every other write. Returns how many were.
    /// </summary>
    public int RunExpiryCycle()
    {
        var expired = 0;
        foreach (var due in KeyExpiry.DueKeys(_leader, NowMs, limit: 1000))
        {
            var before = KeyspaceDigest.Compute(_leader);
            var payload = _executor.ExecuteInternal(context => KeyExpiry.ExpireIfDue(context, due), NowMs);
            Flush(_keyspace, _leader, _lsn + 1);
            if (payload is not null)
            {
                LastPayload = payload;
                expired++;
                Payloads++;
                LayoutCheck.Verify(_leader);
                ReplicateToFollower(payload);
                ApplyAndUndoOnMirror(payload, before);
                // Internal writes are logged row-based in every format.
                LogApplier.Apply(LogEntry.Create(new LogPosition(new Epoch(1), new Lsn(_lsn)), HlcTimestamp.From(NowMs, 0), LeaderId, PayloadKind.Logical, payload), _statementKeyspace);
                Flush(_statementKeyspace, _statementFollower, _lsn);
            }
        }
        return expired;
    }

    public void Dispose()
    {
        _leader.Dispose();
        _follower.Dispose();
        _mirror.Dispose();
        _statementFollower.Dispose();
    }

    private void RunWrite(RespCommand command, RespWriter reply)
    {
        var before = KeyspaceDigest.Compute(_leader);
        var payload = _executor.Execute(command, reply, NowMs, Db);
        if (CollectGarbage && _lsn > 3)
        {
            _keyspace.RetiredThrough = _lsn - 3;
        }
        Flush(_keyspace, _leader, _lsn + 1);
        LastPayload = payload;
        LastStatement = null;
        if (payload is null)
        {
            Assert.Equal(before, KeyspaceDigest.Compute(_leader));
            return;
        }
        Payloads++;
        LayoutCheck.Verify(_leader);
        ReplicateToFollower(payload);
        ApplyAndUndoOnMirror(payload, before);
        ReplayStatement(command, payload);
    }

    /// <summary>Check (3): the rewritten statement, executed again elsewhere, changes the same data.</summary>
    private void ReplayStatement(RespCommand command, byte[] payload)
    {
        var (kind, entry) = EntryFormatter.ForClientWrite(new LogFormatSetting(LogFormat.Statement), command, Db, NowMs, payload);
        Assert.Equal(PayloadKind.Statement, kind);
        LastStatement = StatementPayload.Decode(entry);
        var undo = _statements.Replay(entry, NowMs + StatementFollowerSkewMs);
        Flush(_statementKeyspace, _statementFollower, _lsn);
        Assert.True(undo is not null, $"{LastStatement} changed nothing when executed again");
        Assert.True(KeyspaceDigest.Compute(_leader) == KeyspaceDigest.Compute(_statementFollower), $"{command} logged as {LastStatement} diverged");
        LayoutCheck.Verify(_statementFollower);
    }

    /// <summary>Check (1): a follower applying the log entry ends up identical to the leader.</summary>
    private void ReplicateToFollower(byte[] payload)
    {
        var position = new LogPosition(new Epoch(1), new Lsn(++_lsn));
        var entry = LogEntry.Create(position, HlcTimestamp.From(NowMs, 0), LeaderId, PayloadKind.Logical, payload);
        var staged = new StagedKeyspace(_follower);
        LogApplier.Apply(entry, staged);
        Flush(staged, _follower, _lsn);
        Assert.Equal(KeyspaceDigest.Compute(_leader), KeyspaceDigest.Compute(_follower));
        LayoutCheck.Verify(_follower);
    }

    /// <summary>Check (2): applying then undoing the changes restores the pre-command state.</summary>
    private void ApplyAndUndoOnMirror(byte[] payload, KeyspaceDigest.Result before)
    {
        var changes = LogicalPayload.Decode(payload);
        Assert.Equal(before, KeyspaceDigest.Compute(_mirror));
        ApplyAll(changes);
        Assert.Equal(KeyspaceDigest.Compute(_leader), KeyspaceDigest.Compute(_mirror));
        var staged = new StagedKeyspace(_mirror);
        for (var i = changes.Count - 1; i >= 0; i--)
        {
            RowChangeApplier.Undo(changes[i], staged);
        }
        Flush(staged, _mirror, _lsn - 1);
        Assert.Equal(before, KeyspaceDigest.Compute(_mirror));
        LayoutCheck.Verify(_mirror);
        ApplyAll(changes);
    }

    private void ApplyAll(List<RowChange> changes)
    {
        var staged = new StagedKeyspace(_mirror);
        foreach (var change in changes)
        {
            RowChangeApplier.Apply(change, staged);
        }
        Flush(staged, _mirror, _lsn);
    }

    private static void Flush(StagedKeyspace staged, IStorageEngine storage, ulong lsn)
    {
        using var batch = storage.NewBatch();
        staged.FlushTo(batch, new Lsn(lsn));
        storage.Write(batch, sync: false);
    }
}
