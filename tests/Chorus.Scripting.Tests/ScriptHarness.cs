using System.Buffers;
using System.Text;
using Chorus.Commands.Data;
using Chorus.Commands.Execution;
using Chorus.Commands.Keyspace;
using Chorus.Resp;
using Chorus.Storage.InMemory;

namespace Chorus.Scripting.Tests;

/// <summary>
/// Runs commands as a leader's loop does — writes (EVAL among them) through a
/// <see cref="WriteExecutor"/> on a staged keyspace, reads against it — with the script
/// commands in the table and a script engine whose clock the test supplies.
/// </summary>
internal sealed class ScriptHarness : IDisposable
{
    private readonly InMemoryStorageEngine _storage = new();
    private readonly StagedKeyspace _keyspace;
    private readonly WriteExecutor _executor;
    private readonly CommandTable _commands;

    public ScriptHarness(ScriptLimits? limits = null)
    {
        Engine = new ScriptEngine(limits ?? new ScriptLimits(ScriptLimits.DefaultTimeLimitMs, null), (_, message) => Logged.Add(message));
        // PING and SELECT are server commands; scripts run them themselves, so only their entries matter here.
        CommandSpec[] server = [new("PING", -1, CommandFlags.Fast, 0, 0, 0), new("SELECT", 2, CommandFlags.Fast, 0, 0, 0)];
        _commands = new CommandTable(DataCommands.All.Concat(ScriptCommands.Specs(Engine)).Concat(FunctionCommands.Specs(Engine)).Concat(server));
        Engine.Calls.Commands = _commands;
        _keyspace = new StagedKeyspace(_storage);
        _executor = new WriteExecutor(_commands, _keyspace, new Random(7));
    }

    public ScriptEngine Engine { get; }

    public List<string> Logged { get; } = [];

    public long NowMs { get; set; } = 1_700_000_000_000;

    /// <summary>The payload of the last write (null: it changed nothing).</summary>
    public byte[]? LastPayload { get; private set; }

    /// <summary>The last reply as sent.</summary>
    public string LastRaw { get; private set; } = "";

    /// <summary>As the driver runs a command sent alone: a blocking command there may wait.</summary>
    public bool BlockingAllowed { get; set; }

    public RespValue Run(params string[] args) => Run(args.Select(Encoding.UTF8.GetBytes).ToArray());

    /// <summary>A command with binary arguments (a FUNCTION DUMP payload).</summary>
    public RespValue Run(params byte[][] args)
    {
        using var batch = new RequestBatch();
        batch.Add(args);
        var command = batch[0];
        var output = new ArrayBufferWriter<byte>();
        var reply = new RespWriter(output, RespProtocol.Resp2);
        Assert.True(_commands.TryGet(command[0], out var spec), $"{Encoding.UTF8.GetString(args[0])} is a command");
        LastPayload = null;
        if (spec.Write is not null)
        {
            _executor.Context.BlockingAllowed = BlockingAllowed;
            LastPayload = _executor.Execute(command, reply, NowMs);
            _executor.Context.BlockingAllowed = false;
            Assert.Null(_executor.Context.Block);
        }
        else
        {
            spec.Read!(new ReadContext(_storage) { Staged = _keyspace, NowMs = NowMs }, command, reply);
            _keyspace.ForgetLastRead();
        }
        LastRaw = Encoding.UTF8.GetString(output.WrittenSpan);
        return RespReplyParser.Parse(output.WrittenSpan);
    }

    /// <summary>Applies a log entry's logical payload as a follower does (or undoes it, newest change first, as a rollback does).</summary>
    public void Apply(byte[] payload, bool undo = false)
    {
        var changes = Chorus.Commands.Logical.LogicalPayload.Decode(payload);
        if (undo)
        {
            changes.Reverse();
        }
        foreach (var change in changes)
        {
            if (undo)
            {
                Chorus.Commands.Logical.RowChangeApplier.Undo(change, _keyspace);
            }
            else
            {
                Chorus.Commands.Logical.RowChangeApplier.Apply(change, _keyspace);
            }
        }
    }

    public void Dispose()
    {
        Engine.Dispose();
        _storage.Dispose();
    }
}
