using Chorus.Commands.Statements;
using Chorus.Core;
using Chorus.Core.Log;

namespace Chorus.Node.Tests.Driver;

/// <summary>
/// DDIA ch. 5, "Implementation of Replication Logs", through the production driver: a cluster in
/// the statement format converges (the leader rewrites nondeterministic commands); the format
/// changes at a marker entry, so one log mixes formats and every node — a restarted follower,
/// a returning old leader that rolls back statements and markers — reads each entry right.
/// </summary>
public sealed class LogFormatTests
{
    private static readonly LogFormatSetting Statement = new(LogFormat.Statement);

    private static readonly string[][] Nondeterministic =
    [
        ["SADD", "s", "a", "b", "c", "d", "e", "f", "g", "h"],
        ["SPOP", "s", "3"],
        ["SPOP", "s"],
        ["SET", "session", "x", "EX", "100"],
        ["EXPIRE", "session", "50"],
        ["PSETEX", "short", "200", "v"],
        ["INCRBYFLOAT", "price", "0.1"],
        ["HINCRBYFLOAT", "row", "score", "2.5"],
    ];

    [Fact]
    public void A_statement_cluster_logs_commands_and_every_replica_ends_with_the_leaders_data()
    {
        var cluster = new DriverCluster(3) { LogFormat = Statement };
        cluster.StartAll();
        for (var round = 0; round < 20; round++)
        {
            cluster.Write(Nondeterministic);
            cluster.Advance(37);
        }
        cluster.Advance(300); // "short" expires: the leader logs the deletion (row-based, in every format)
        cluster.Settle();

        Assert.Equal(cluster.Digest("n1"), cluster.Digest("n2"));
        Assert.Equal(cluster.Digest("n1"), cluster.Digest("n3"));
        var kinds = Log(cluster, "n2").Select(e => e.Kind).ToList();
        Assert.Equal(PayloadKind.LogFormat, kinds.First(k => k is not PayloadKind.Noop and not PayloadKind.ClusterConfig));
        Assert.Contains(PayloadKind.Statement, kinds);
        Assert.Equal(Statement, cluster["n3"].Driver!.LogFormat);
    }

    /// The broken variant: logged as sent, followers run SPOP with their own random choices.
    [Fact]
    public void Without_rewriting_the_replicas_diverge()
    {
        var cluster = new DriverCluster(3) { LogFormat = Statement with { Rewrite = false } };
        cluster.StartAll();
        for (var round = 0; round < 5; round++)
        {
            cluster.Write(Nondeterministic);
        }
        cluster.Settle();

        Assert.NotEqual(cluster.Digest("n1"), cluster.Digest("n2"));
        Assert.NotEqual(cluster.Digest("n1"), cluster.Digest("n3"));
    }

    [Fact]
    public void The_format_changes_at_a_marker_and_a_restarted_follower_reads_the_mixed_log()
    {
        var cluster = new DriverCluster(3);
        cluster.StartAll();
        cluster.Write("SET", "before", "logical");
        Assert.True(RunOnLoop(cluster, "n1", () => cluster["n1"].Driver!.ChangeLogFormat(Statement)));
        cluster.Write(Nondeterministic);
        cluster.Settle();
        cluster.Crash("n3");
        cluster.Write("SPOP", "s", "2");
        Assert.True(RunOnLoop(cluster, "n1", () => cluster["n1"].Driver!.ChangeLogFormat(LogFormatSetting.Default)));
        cluster.Write("SET", "after", "logical again");

        cluster.Start("n3");
        cluster.Settle();

        Assert.Equal(cluster.Digest("n1"), cluster.Digest("n2"));
        Assert.Equal(cluster.Digest("n1"), cluster.Digest("n3"));
        var data = Log(cluster, "n3").Where(e => e.Kind is PayloadKind.Logical or PayloadKind.Statement or PayloadKind.LogFormat).Select(e => e.Kind).ToList();
        // Between the markers: the statements, and the leader's expiry deletions (row-based in every format).
        Assert.Equal([PayloadKind.Logical, PayloadKind.LogFormat], data[..2]);
        Assert.Equal([PayloadKind.LogFormat, PayloadKind.Logical], data[^2..]);
        Assert.Equal(Nondeterministic.Length + 1, data.Count(k => k == PayloadKind.Statement));
        Assert.DoesNotContain(PayloadKind.LogFormat, data[2..^2]);
        Assert.Equal(LogFormatSetting.Default, cluster["n3"].Driver!.LogFormat);
    }

    [Fact]
    public void Only_the_leader_changes_the_format()
    {
        var cluster = new DriverCluster(3);
        cluster.StartAll();

        Assert.False(RunOnLoop(cluster, "n2", () => cluster["n2"].Driver!.ChangeLogFormat(Statement)));
        Assert.Equal(LogFormatSetting.Default, cluster["n2"].Driver!.LogFormat);
    }

    /// DDIA ch. 5, "Leader failure": statements only the old leader had are undone from their
    /// undo images (a statement cannot be undone from itself), its format marker with them, and
    /// the rollback record holds the statements.
    [Fact]
    public void A_returning_old_leader_undoes_its_statements_and_its_format_change()
    {
        var cluster = new DriverCluster(3);
        cluster.StartAll();
        cluster.Write("SADD", "s", "a", "b", "c", "d");
        cluster.Write("SET", "price", "1");
        cluster.Settle();

        cluster.Network = m => m.From.Value != "n1" && m.To.Value != "n1";
        Assert.True(RunOnLoop(cluster, "n1", () => cluster["n1"].Driver!.ChangeLogFormat(Statement)));
        cluster.Write("SPOP", "s", "2");
        cluster.Write("INCRBYFLOAT", "price", "0.5");
        cluster.Write("SET", "fresh", "v", "EX", "100");
        Assert.Equal(Statement, cluster["n1"].Driver!.LogFormat);
        ElectAnotherLeader(cluster);

        cluster.Network = _ => true;
        cluster.Settle(rounds: 40);

        Assert.Equal(cluster.Digest(cluster.Leader), cluster.Digest("n1"));
        Assert.Equal(4, cluster.Read("n1", "SCARD", "s").AsInteger());
        Assert.Equal("1", cluster.Read("n1", "GET", "price").AsString());
        Assert.Equal(LogFormatSetting.Default, cluster["n1"].Driver!.LogFormat);
        var record = Assert.Single(cluster["n1"].Rollbacks.Records);
        Assert.Equal([PayloadKind.LogFormat, PayloadKind.Statement, PayloadKind.Statement, PayloadKind.Statement], record.Entries.Select(e => e.Kind));
    }

    /// A leader elected after a format change goes on writing in that format: the log says so.
    [Fact]
    public void A_new_leader_writes_in_the_format_its_log_holds()
    {
        var cluster = new DriverCluster(3);
        cluster.StartAll();
        Assert.True(RunOnLoop(cluster, "n1", () => cluster["n1"].Driver!.ChangeLogFormat(Statement)));
        cluster.Write("SET", "k", "v");
        cluster.Settle();
        cluster.Crash("n1");
        ElectAnotherLeader(cluster);

        cluster.Write("SPOP", "nothing-here");
        cluster.Write("SET", "k", "w", "PX", "100000");
        cluster.Settle();

        Assert.Equal(PayloadKind.Statement, Log(cluster, cluster.Leader)[^1].Kind);
        Assert.Equal(cluster.Digest("n2"), cluster.Digest("n3"));
    }

    /// <summary>
    /// Time passes until n2 or n3 leads (with a deadline): elections are seeded, and two
    /// candidates that time out in the same 100 ms step split the vote and try again.
    /// </summary>
    private static void ElectAnotherLeader(DriverCluster cluster)
    {
        for (var round = 0; round < 300 && !LeadsOtherThanN1(cluster); round++)
        {
            cluster.Settle(rounds: 1);
        }
        Assert.True(LeadsOtherThanN1(cluster), string.Join("; ", cluster.Members.Select(m => $"{m}: {cluster[m.Value].Driver?.Status.Role} in epoch {cluster[m.Value].Driver?.Status.Epoch}")));
    }

    private static bool LeadsOtherThanN1(DriverCluster cluster) =>
        cluster.Members.Skip(1).Any(m => cluster[m.Value].Driver is { Status.Role: Replication.NodeRole.Leader });

    private static bool RunOnLoop(DriverCluster cluster, string id, Func<bool> action)
    {
        var result = false;
        var done = cluster.Admin(id, _ =>
        {
            result = action();
            return null;
        });
        Assert.True(done.IsCompleted, "the loop ran the action in its round");
        return result;
    }

    private static List<LogEntry> Log(DriverCluster cluster, string id) => new LogStore(cluster[id].Storage).Read(new Lsn(1), long.MaxValue);

    /// A newer leader logs a command an older follower does not know (the statement format's
    /// upgrade problem). Under the default policy the follower stops replicating before storing
    /// the entry — its data stays a prefix of the leader's, it says why, and it keeps serving
    /// reads; under skip it stores the entry without running it, counts and names it, goes on,
    /// and its digest shows the difference.
    [Fact]
    public void A_statement_a_follower_does_not_know_stops_it_by_default_or_is_skipped_and_counted()
    {
        var cluster = new DriverCluster(3)
        {
            LogFormat = Statement,
            UnknownCommands = { ["n2"] = ["HINCRBY"], ["n3"] = ["HINCRBY"] },
            UnknownStatements = { ["n3"] = UnknownStatementPolicy.Skip },
        };
        cluster.StartAll();
        cluster.Write("HSET", "row", "visits", "1");
        cluster.Settle();
        var appliedBefore = cluster["n2"].Driver!.Applied.Applied;

        cluster.Write("HINCRBY", "row", "visits", "5");
        cluster.Write("SET", "after", "known");
        cluster.Settle();

        var stopped = cluster["n2"].Driver!;
        Assert.Contains("holds 'HINCRBY', which is not a write command of this build; replication stops here (unknown-statement stop)", stopped.ReplicationRefusal);
        Assert.Equal(appliedBefore, stopped.Applied.Applied);
        Assert.Equal("1", cluster.Read("n2", "HGET", "row", "visits").AsString());
        Assert.True(cluster.Read("n2", "GET", "after").IsNull);

        var skipping = cluster["n3"].Driver!;
        Assert.Null(skipping.ReplicationRefusal);
        Assert.Equal(1, skipping.Statements.Skipped);
        Assert.Matches("^LSN [0-9]+ 'HINCRBY'$", skipping.Statements.LastSkipped);
        Assert.Equal("known", cluster.Read("n3", "GET", "after").AsString());
        Assert.Equal("1", cluster.Read("n3", "HGET", "row", "visits").AsString());
        Assert.Equal("6", cluster.Read("n1", "HGET", "row", "visits").AsString());
        Assert.NotEqual(cluster.Digest("n1"), cluster.Digest("n3"));
        Assert.Equal(cluster["n1"].Driver!.Applied.Applied, skipping.Applied.Applied);
    }
}
