using System.Buffers;
using Chorus.Commands.Data;
using Chorus.Commands.Execution;
using Chorus.Commands.Keyspace;
using Chorus.Commands.Statements;
using Chorus.Core.Encoding;
using Chorus.Core.Log;
using Chorus.Resp;
using Chorus.Storage.InMemory;

namespace Chorus.Commands.Tests;

/// <summary>
/// DDIA ch. 5, "Statement-based replication": a command that reads the clock or draws random
/// numbers does something else on each replica unless the leader rewrites it into a deterministic
/// one first (docs/commands.md lists every rewrite). The random workload of
/// <see cref="ReplicationSafetyTests"/> checks every write command's statement replays exactly.
/// </summary>
public sealed class StatementReplicationTests
{
    private const string Now = "1700000000000";

    public static TheoryData<string[], string[], string> Rewrites => new()
    {
        { ["SET", "k", "v"], ["EXPIRE", "k", "10"], $"PEXPIREAT \"k\" \"1700000010000\"" },
        { ["SET", "k", "v"], ["PEXPIRE", "k", "250", "NX"], $"PEXPIREAT \"k\" \"1700000000250\" \"NX\"" },
        { ["SET", "k", "v"], ["EXPIREAT", "k", "1800000000"], "EXPIREAT \"k\" \"1800000000\"" },
        { [], ["SET", "k", "v", "EX", "5", "GET"], "SET \"k\" \"v\" \"PXAT\" \"1700000005000\" \"GET\"" },
        { [], ["SET", "k", "v", "px", "7"], "SET \"k\" \"v\" \"PXAT\" \"1700000000007\"" },
        { [], ["SET", "k", "v", "KEEPTTL"], "SET \"k\" \"v\" \"KEEPTTL\"" },
        { [], ["SETEX", "k", "3", "v"], "SET \"k\" \"v\" \"PXAT\" \"1700000003000\"" },
        { [], ["PSETEX", "k", "3", "v"], "SET \"k\" \"v\" \"PXAT\" \"1700000000003\"" },
        { ["SET", "k", "v"], ["GETEX", "k", "EX", "2"], "GETEX \"k\" \"PXAT\" \"1700000002000\"" },
        { ["SET", "k", "v", "EX", "100"], ["GETEX", "k", "PERSIST"], "GETEX \"k\" \"PERSIST\"" },
        { ["SADD", "s", "only"], ["SPOP", "s"], "SREM \"s\" \"only\"" },
        { ["SADD", "s", "a", "b"], ["SPOP", "s", "5"], "SREM \"s\" \"a\" \"b\"" },
        { ["SET", "f", "1.5"], ["INCRBYFLOAT", "f", "0.25"], "SET \"f\" \"1.75\" \"KEEPTTL\"" },
        { ["HSET", "h", "x", "1"], ["HINCRBYFLOAT", "h", "x", "2.5"], "HSET \"h\" \"x\" \"3.5\"" },
        { [], ["INCR", "n"], "INCR \"n\"" },
    };

    [Theory]
    [MemberData(nameof(Rewrites))]
    public void The_leader_rewrites_each_nondeterministic_command_into_a_deterministic_one(string[] setup, string[] command, string logged)
    {
        using var harness = new Support.CommandHarness();
        if (setup.Length > 0)
        {
            harness.Run(setup);
        }
        harness.Run(command);

        Assert.Equal(logged, harness.LastStatement!.ToString());
        Assert.Equal(long.Parse(Now, System.Globalization.CultureInfo.InvariantCulture), harness.LastStatement.LeaderNowMs);
    }

    /// SPOP with a count chooses members at random: the log names the ones the leader chose.
    [Fact]
    public void Spop_is_logged_as_the_removal_of_the_members_the_leader_chose()
    {
        using var harness = new Support.CommandHarness(seed: 7);
        harness.Run("SADD", "s", "a", "b", "c", "d", "e", "f");
        var popped = harness.Run("SPOP", "s", "2").Items.Select(i => i.AsString()!).Order().ToList();

        var statement = harness.LastStatement!;
        Assert.Equal("SREM", System.Text.Encoding.ASCII.GetString(statement.Arguments[0]));
        Assert.Equal(popped, statement.Arguments.Skip(2).Select(a => System.Text.Encoding.UTF8.GetString(a)).Order().ToList());
    }

    /// The broken variant: logged as sent, a follower with its own clock and seed ends elsewhere.
    [Theory]
    [InlineData("EXPIRE", "k", "100")]
    [InlineData("SPOP", "s", "3")]
    public void Without_rewriting_a_follower_with_its_own_clock_and_randomness_diverges(params string[] command)
    {
        using var leader = new Replica(seed: 1);
        using var follower = new Replica(seed: 2);
        string[][] setup = [["SET", "k", "v"], ["SADD", "s", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]];
        foreach (var write in setup.Append(command))
        {
            var (kind, entry) = leader.Execute(write, new LogFormatSetting(LogFormat.Statement, Rewrite: false));
            Assert.Equal(PayloadKind.Statement, kind);
            Assert.Null(StatementPayload.Decode(entry).LeaderNowMs);
            follower.Replay(entry, Support.CommandHarness.StartMs + 5000);
        }

        Assert.NotEqual(leader.Digest(), follower.Digest());
    }

    [Fact]
    public void With_rewriting_the_same_writes_converge()
    {
        using var leader = new Replica(seed: 1);
        using var follower = new Replica(seed: 2);
        string[][] writes = [["SET", "k", "v"], ["SADD", "s", "a", "b", "c", "d", "e"], ["EXPIRE", "k", "100"], ["SPOP", "s", "3"], ["INCRBYFLOAT", "f", "0.1"]];
        foreach (var write in writes)
        {
            follower.Replay(leader.Execute(write, new LogFormatSetting(LogFormat.Statement)).Payload, Support.CommandHarness.StartMs + 5000);
        }

        Assert.Equal(leader.Digest(), follower.Digest());
    }

    [Fact]
    public void Statement_payloads_round_trip_and_bad_ones_are_refused()
    {
        var statement = new Statement(3, 1_700_000_000_123, [[.. "SET"u8], [.. "k"u8], [0, 255]]);
        var decoded = StatementPayload.Decode(StatementPayload.Encode(statement));
        Assert.Equal(statement.Db, decoded.Db);
        Assert.Equal(statement.LeaderNowMs, decoded.LeaderNowMs);
        Assert.Equal(statement.Arguments, decoded.Arguments);
        Assert.Null(StatementPayload.Decode(StatementPayload.Encode(statement with { LeaderNowMs = null })).LeaderNowMs);

        var encoded = StatementPayload.Encode(statement);
        Assert.Throws<CorruptDataException>(() => StatementPayload.Decode([9, .. encoded[1..]]));
        Assert.Throws<CorruptDataException>(() => StatementPayload.Decode([.. encoded, 0]));
        Assert.Throws<CorruptDataException>(() => StatementPayload.Decode(encoded[..^1]));
        Assert.Throws<CorruptDataException>(() => StatementPayload.Decode([1, 0, 0, 0]));
        Assert.Throws<CorruptDataException>(() => StatementPayload.Decode([1, 4, 0, 1, 1, 65]));
    }

    [Fact]
    public void A_statement_naming_no_write_command_is_refused_not_executed()
    {
        using var follower = new Replica(seed: 1);
        var get = StatementPayload.Encode(new Statement(0, 1, [[.. "GET"u8], [.. "k"u8]]));
        var unknown = StatementPayload.Encode(new Statement(0, 1, [[.. "NOSUCH"u8]]));

        // The default unknown-statement policy (stop): refused with the reason, nothing run.
        Assert.Contains("holds 'GET', which is not a write command of this build", Assert.Throws<StreamRefusedException>(() => follower.Replay(get, 1)).Message);
        Assert.Contains("holds 'NOSUCH'", Assert.Throws<StreamRefusedException>(() => follower.Replay(unknown, 1)).Message);
    }

    [Fact]
    public void Log_format_markers_round_trip_and_unknown_ones_are_refused()
    {
        var setting = new LogFormatSetting(LogFormat.Statement, Rewrite: false);
        Assert.Equal(setting, LogFormatSetting.Decode(setting.Encode()));
        Assert.Throws<CorruptDataException>(() => LogFormatSetting.Decode([1, 9, 1]));
        Assert.Throws<CorruptDataException>(() => LogFormatSetting.Decode([2, 1, 1]));
        Assert.Throws<CorruptDataException>(() => LogFormatSetting.Decode([1, 1, 2]));
        Assert.True(LogFormatSetting.TryParse("STATEMENT", out var format) && format == LogFormat.Statement);
        Assert.False(LogFormatSetting.TryParse("binlog", out _));
        Assert.True(LogFormatSetting.TryParse("physical", out var physical) && physical == LogFormat.Physical);
    }

    /// <summary>One node's data and write executor, without the harness's checks.</summary>
    private sealed class Replica(int seed) : IDisposable
    {
        private static readonly CommandTable Commands = new(DataCommands.All);
        private readonly InMemoryStorageEngine _storage = new();
        private StagedKeyspace? _keyspace;
        private WriteExecutor? _executor;
        private ulong _lsn;

        private WriteExecutor Executor => _executor ??= new WriteExecutor(Commands, _keyspace = new StagedKeyspace(_storage), new Random(seed));

        public (PayloadKind Kind, byte[] Payload) Execute(string[] command, LogFormatSetting setting)
        {
            using var batch = new RequestBatch();
            batch.Add(command);
            var payload = Executor.Execute(batch[0], new RespWriter(new ArrayBufferWriter<byte>(), RespProtocol.Resp2), Support.CommandHarness.StartMs);
            Assert.NotNull(payload);
            Flush();
            return EntryFormatter.ForClientWrite(setting, batch[0], 0, Support.CommandHarness.StartMs, payload);
        }

        public void Replay(byte[] statement, long localNowMs)
        {
            new StatementReplayer(Commands, Executor).Replay(statement, localNowMs);
            Flush();
        }

        public string Digest() => KeyspaceDigest.Compute(_storage).Digest;

        private void Flush()
        {
            using var batch = _storage.NewBatch();
            _keyspace!.FlushTo(batch, new Core.Lsn(++_lsn));
            _storage.Write(batch, sync: false);
        }

        public void Dispose() => _storage.Dispose();
    }
}

/// <summary>What each format ships per write (docs/log-formats.md, "Costs"): printed, and the trade-off asserted.</summary>
public sealed class LogFormatSizeTests
{
    [Fact]
    public void A_statement_ships_the_command_where_a_row_change_ships_both_images()
    {
        var kilobyte = new string('x', 1024);
        string[][] setup = [["SET", "big", kilobyte], ["HSET", "wide", .. Enumerable.Range(0, 1000).SelectMany(i => new[] { $"f{i}", "v" })]];
        (string Name, string[] Command)[] writes =
        [
            ("SET 16 B", ["SET", "small", "0123456789abcdef"]),
            ("SET 1 KiB over 1 KiB", ["SET", "big", new string('y', 1024)]),
            ("INCR", ["INCR", "n"]),
            ("HSET one field of a 1,000-field hash", ["HSET", "wide", "f1", "w"]),
            ("EXPIRE", ["EXPIRE", "small", "100"]),
            ("DEL of a 1 KiB string", ["DEL", "big"]),
        ];
        using var harness = new CommandHarness();
        foreach (var command in setup)
        {
            harness.Run(command);
        }
        var table = new System.Text.StringBuilder("write: logical bytes / statement bytes\n");
        var sizes = new Dictionary<string, (int Logical, int Statement)>();
        foreach (var (name, command) in writes)
        {
            harness.Run(command);
            var statement = StatementPayload.Encode(harness.LastStatement!).Length;
            sizes[name] = (harness.LastPayload!.Length, statement);
            table.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"{name}: {harness.LastPayload!.Length} / {statement}");
        }
        TestContext.Current.SendDiagnosticMessage(table.ToString());

        Assert.True(sizes["DEL of a 1 KiB string"].Statement < 64, table.ToString());
        Assert.True(sizes["DEL of a 1 KiB string"].Logical > 1024, table.ToString());
        Assert.True(sizes["SET 1 KiB over 1 KiB"].Logical > 2 * sizes["SET 1 KiB over 1 KiB"].Statement - 64, table.ToString());
    }
}
