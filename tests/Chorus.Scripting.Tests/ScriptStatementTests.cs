using System.Buffers;
using System.Text;
using Chorus.Commands.Data;
using Chorus.Commands.Execution;
using Chorus.Commands.Keyspace;
using Chorus.Commands.Logical;
using Chorus.Commands.Statements;
using Chorus.Core.Log;
using Chorus.Resp;
using Chorus.Storage.InMemory;

namespace Chorus.Scripting.Tests;

/// <summary>
/// DDIA ch. 5, "Statement-based replication", for scripts (issue 15: "scripts replicate ... as the
/// script itself under the statement format, with Redis's rules that make that safe"): under
/// the statement format a script is logged as the script, and a follower that runs it again —
/// with its own engine, which never saw the script — ends with the leader's data; a script that
/// drew randomness is logged as its effects instead (docs/log-formats.md).
/// </summary>
public sealed class ScriptStatementTests : IDisposable
{
    private const long LeaderNowMs = 1_700_000_000_000;
    private static readonly LogFormatSetting Statement = new(LogFormat.Statement);

    private readonly Replica _leader = new(seed: 1);
    private readonly Replica _follower = new(seed: 2);

    public void Dispose()
    {
        _leader.Dispose();
        _follower.Dispose();
    }

    [Fact]
    public void A_script_is_logged_as_itself_and_a_follower_running_it_at_the_leaders_clock_converges()
    {
        var (kind, entry) = Write(["EVAL", "redis.call('SET', KEYS[1], ARGV[1]); redis.call('EXPIRE', KEYS[1], 10); return redis.call('INCRBY', KEYS[2], math.random(1, 1000))", "2", "k", "n", "v"]);

        Assert.Equal(PayloadKind.Statement, kind);
        var logged = StatementPayload.Decode(entry);
        Assert.Equal("EVAL", Encoding.ASCII.GetString(logged.Arguments[0]));
        Assert.Equal(LeaderNowMs, logged.LeaderNowMs);
        _follower.Replay(entry, localNowMs: LeaderNowMs + 60_000); // a follower whose clock is a minute ahead
        Assert.Equal(_leader.Digest(), _follower.Digest());
    }

    [Fact]
    public void Evalsha_is_logged_as_eval_of_the_body_so_a_follower_needs_no_script_cache()
    {
        var body = "return redis.call('RPUSH', KEYS[1], ARGV[1], ARGV[2])";
        var sha = _leader.Engine.Cache.Add(Encoding.UTF8.GetBytes(body)); // SCRIPT LOAD, on the leader only

        var (kind, entry) = Write(["EVALSHA", sha, "1", "list", "a", "b"]);

        Assert.Equal(PayloadKind.Statement, kind);
        var logged = StatementPayload.Decode(entry);
        Assert.Equal(["EVAL", body, "1", "list", "a", "b"], logged.Arguments.Select(a => Encoding.UTF8.GetString(a)));
        Assert.False(_follower.Engine.Cache.TryGet(sha, out _));
        _follower.Replay(entry, LeaderNowMs);
        Assert.Equal(_leader.Digest(), _follower.Digest());
    }

    [Fact]
    public void A_function_call_is_logged_as_itself_once_its_library_is_replicated()
    {
        var (loadKind, load) = Write(["FUNCTION", "LOAD", "#!lua name=lib\nredis.register_function('bump', function(keys, args) return redis.call('INCRBY', keys[1], args[1]) end)"]);
        Assert.Equal(PayloadKind.Logical, loadKind); // the library records
        _follower.Apply(load);

        var (kind, entry) = Write(["FCALL", "bump", "1", "counter", "5"]);

        Assert.Equal(PayloadKind.Statement, kind);
        _follower.Replay(entry, LeaderNowMs);
        Assert.Equal(_leader.Digest(), _follower.Digest());
    }

    public static TheoryData<string> ScriptsThatDrawRandomness => new()
    {
        "local m = redis.call('SPOP', KEYS[1]); redis.call('SET', KEYS[2], m)",
        "local m = redis.call('SRANDMEMBER', KEYS[1]); redis.call('SET', KEYS[2], m)",
        "local k = redis.call('RANDOMKEY'); redis.call('SET', KEYS[2], k)",
    };

    /// Redis's rule for verbatim script replication: a script that writes after something random cannot be re-run elsewhere.
    [Theory]
    [MemberData(nameof(ScriptsThatDrawRandomness))]
    public void A_script_that_draws_randomness_is_logged_as_its_effects(string script)
    {
        var (setupKind, setup) = Write(["SADD", "pool", "a", "b", "c", "d", "e", "f", "g", "h"]);
        Assert.Equal(PayloadKind.Statement, setupKind);
        _follower.Replay(setup, LeaderNowMs);

        var (kind, entry) = Write(["EVAL", script, "2", "pool", "chosen"]);

        Assert.Equal(PayloadKind.Logical, kind);
        _follower.Apply(entry);
        Assert.Equal(_leader.Digest(), _follower.Digest());
    }

    [Fact]
    public void Without_rewriting_a_script_is_logged_as_sent()
    {
        var sha = _leader.Engine.Cache.Add("return redis.call('SPOP', KEYS[1])"u8.ToArray());
        _leader.Execute(["SADD", "pool", "a", "b"]);

        var (kind, entry) = _leader.Execute(["EVALSHA", sha, "1", "pool"], new LogFormatSetting(LogFormat.Statement, Rewrite: false));

        Assert.Equal(PayloadKind.Statement, kind);
        Assert.Equal("EVALSHA", Encoding.ASCII.GetString(StatementPayload.Decode(entry).Arguments[0]));
    }

    private (PayloadKind Kind, byte[] Payload) Write(string[] command) => _leader.Execute(command, Statement);

    /// <summary>One node: its data, its own script engine, its write executor and statement replayer.</summary>
    private sealed class Replica : IDisposable
    {
        private readonly InMemoryStorageEngine _storage = new();
        private readonly StagedKeyspace _keyspace;
        private readonly WriteExecutor _executor;
        private readonly StatementReplayer _replayer;
        private ulong _lsn;

        public Replica(int seed)
        {
            Engine = new ScriptEngine(new ScriptLimits(ScriptLimits.DefaultTimeLimitMs, null));
            CommandSpec[] server = [new("PING", -1, CommandFlags.Fast, 0, 0, 0), new("SELECT", 2, CommandFlags.Fast, 0, 0, 0)];
            var commands = new CommandTable(DataCommands.All.Concat(ScriptCommands.Specs(Engine)).Concat(FunctionCommands.Specs(Engine)).Concat(server));
            Engine.Calls.Commands = commands;
            _keyspace = new StagedKeyspace(_storage);
            _executor = new WriteExecutor(commands, _keyspace, new Random(seed));
            _replayer = new StatementReplayer(commands, _executor);
        }

        public ScriptEngine Engine { get; }

        public (PayloadKind Kind, byte[] Payload) Execute(string[] command, LogFormatSetting? setting = null)
        {
            using var batch = new RequestBatch();
            batch.Add(command.Select(Encoding.UTF8.GetBytes).ToArray());
            var output = new ArrayBufferWriter<byte>();
            var payload = _executor.Execute(batch[0], new RespWriter(output, RespProtocol.Resp2), LeaderNowMs);
            Assert.True(payload is not null, $"{command[0]} changed nothing: {Encoding.UTF8.GetString(output.WrittenSpan)}");
            Flush();
            return EntryFormatter.ForClientWrite(setting ?? Statement, batch[0], 0, LeaderNowMs, payload, _executor.Context);
        }

        public void Replay(byte[] statement, long localNowMs)
        {
            Assert.NotNull(_replayer.Replay(statement, localNowMs));
            Flush();
        }

        public void Apply(byte[] logicalPayload)
        {
            foreach (var change in LogicalPayload.Decode(logicalPayload))
            {
                RowChangeApplier.Apply(change, _keyspace);
            }
            Flush();
        }

        public string Digest() => KeyspaceDigest.Compute(_storage).Digest;

        private void Flush()
        {
            using var batch = _storage.NewBatch();
            _keyspace.FlushTo(batch, new Core.Lsn(++_lsn));
            _storage.Write(batch, sync: false);
        }

        public void Dispose()
        {
            Engine.Dispose();
            _storage.Dispose();
        }
    }
}
