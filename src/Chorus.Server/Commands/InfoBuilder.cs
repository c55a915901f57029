using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Chorus.Replication;
using Chorus.Replication.Quorum;
using Chorus.Replication.Progress;
using Chorus.Storage;

namespace Chorus.Server.Commands;

/// <summary>
/// INFO's text, section by section, in Redis's format ("# Section", then "field:value" lines)
/// so redis-cli, client libraries and monitoring tools read it. Chorus-only fields start with
/// "chorus_". Replication offsets are LSNs.
/// </summary>
internal static class InfoBuilder
{
    public static readonly string[] DefaultSections = ["server", "clients", "persistence", "stats", "replication", "sites", "keyspace"];

    public static string Build(NodeServices node, IReadOnlyCollection<string> sections)
    {
        var text = new StringBuilder();
        foreach (var section in sections)
        {
            var start = text.Length;
            switch (section)
            {
                case "server":
                    Server(text, node);
                    break;
                case "clients":
                    Clients(text, node);
                    break;
                case "persistence":
                    Persistence(text, node);
                    break;
                case "stats":
                    Stats(text, node);
                    break;
                case "replication" when node.Driver.Status.Family is Replication.Leaderless.LeaderlessStatus leaderless:
                    LeaderlessInfo.Write(text, leaderless, node.Driver.Status.Self);
                    break;
                case "replication":
                    Replication(text, node.Driver.Status, node);
                    break;
                case "sites":
                    SitesInfo.Append(text, node);
                    break;
                case "keyspace":
                    Keyspace(text, node);
                    break;
            }
            if (text.Length > start)
            {
                text.Append("\r\n");
            }
        }
        return text.Length >= 2 ? text.ToString(0, text.Length - 2) : "";
    }

    private static void Server(StringBuilder text, NodeServices node)
    {
        var uptime = (node.NowMs - node.StartedAtMs) / 1000;
        Header(text, "Server");
        Line(text, "redis_version", ServerVersion.RedisCompatible);
        Line(text, "chorus_version", ServerVersion.Chorus);
        Line(text, "redis_mode", "standalone");
        Line(text, "os", RuntimeInformation.OSDescription);
        Line(text, "arch_bits", IntPtr.Size * 8);
        Line(text, "process_id", Environment.ProcessId);
        Line(text, "run_id", ReplicationId.Of(node.Driver.Status.Self, new Core.Epoch((ulong)node.StartedAtMs)));
        Line(text, "tcp_port", node.Options.Port);
        Line(text, "uptime_in_seconds", uptime);
        Line(text, "uptime_in_days", uptime / 86400);
        Line(text, "executable", Environment.ProcessPath ?? "");
        Line(text, "chorus_node_id", node.Options.NodeId);
        // What the JIT has cost this process so far: methods compiled at run time (not those
        // loaded precompiled from ReadyToRun images) and the time spent compiling them.
        Line(text, "chorus_jit_compiled_methods", System.Runtime.JitInfo.GetCompiledMethodCount());
        Line(text, "chorus_jit_time_ms", (long)System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds);
    }

    private static void Clients(StringBuilder text, NodeServices node)
    {
        Header(text, "Clients");
        Line(text, "connected_clients", node.Clients.Count);
        Line(text, "maxclients", Math.Min(node.Limits.MaxClients, node.MaxClientsCeiling));
        Line(text, "blocked_clients", node.Driver.BlockedClients);
        // Redis reports it under "memory"; here it is what maxmemory-clients limits.
        Line(text, "mem_clients_normal", node.Clients.BufferedBytes);
        Line(text, "chorus_rejected_connections", node.Clients.RejectedConnections);
        Line(text, "chorus_evicted_clients", node.Clients.EvictedClients);
    }

    private static void Persistence(StringBuilder text, NodeServices node)
    {
        var status = node.Driver.Status;
        Header(text, "Persistence");
        Line(text, "loading", 0);
        Line(text, "async_loading", 0);
        Line(text, "aof_enabled", 1);
        Line(text, "aof_rewrite_in_progress", 0);
        Line(text, "chorus_storage", "rocksdb");
        Line(text, "chorus_fsync", node.Options.Fsync);
        Line(text, "chorus_applied_lsn", status.Last.Lsn.Value);
        Line(text, "chorus_flushed_lsn", status.Flushed.Value);
        Line(text, "chorus_data_bytes", node.Storage.ApproximateSize(StorageColumn.Data));
        Line(text, "chorus_log_bytes", node.Storage.ApproximateSize(StorageColumn.Log));
        Line(text, "chorus_elements_bytes", node.Storage.ApproximateSize(StorageColumn.Elements));
        var disk = DiskUsage.Of(Path.Combine(node.Options.DataDirOrDefault, "db"));
        Line(text, "chorus_wal_bytes", disk.WriteAheadLogBytes);
        Line(text, "chorus_disk_bytes", disk.TotalBytes);
    }

    private static void Stats(StringBuilder text, NodeServices node)
    {
        Header(text, "Stats");
        Line(text, "total_connections_received", node.Clients.TotalConnections);
        Line(text, "total_commands_processed", node.Stats.CommandsProcessed);
        Line(text, "total_error_replies", node.Stats.ErrorReplies);
        Line(text, "chorus_forwarded_writes", node.Driver.ForwardedWrites);
        var reads = node.Driver.Reads;
        Line(text, "chorus_guarded_reads_waited", reads.Served);
        Line(text, "chorus_reads_held_not_caught_up", reads.NotCaughtUp);
        Line(text, "chorus_reads_held_too_stale", reads.TooStale);
        Line(text, "chorus_reads_held_not_linearizable", reads.NotLinearizable);
        Line(text, "chorus_reads_held_not_committed", reads.NotCommitted);
        Line(text, "chorus_forwarded_reads", node.Stats.ForwardedReads);
        Line(text, "chorus_guarded_reads_refused", node.FollowerReads.Refused);
        Line(text, "chorus_guarded_reads_redirected", node.FollowerReads.Redirected);
        Line(text, "chorus_follower_reads_served", node.FollowerReads.ReadsServed);
        Line(text, "chorus_follower_read_staleness_ms", Consistency.FollowerReadStats.Text(Consistency.FollowerReadStats.MsBounds, node.FollowerReads.MsBuckets));
        Line(text, "chorus_follower_read_staleness_entries", Consistency.FollowerReadStats.Text(Consistency.FollowerReadStats.EntryBounds, node.FollowerReads.EntryBuckets));
        Line(text, "chorus_sessions", node.Sessions?.Directory.Count ?? 0);
        // PUBLISH across nodes (docs/pubsub.md): messages sent to peers, delivered from them, dropped.
        Line(text, "chorus_pubsub_peer_sent", node.PubSubRelay?.Sent ?? 0);
        Line(text, "chorus_pubsub_peer_received", node.PubSubRelay?.Received ?? 0);
        Line(text, "chorus_pubsub_peer_dropped", node.PubSubRelay?.Dropped ?? 0);
    }

    private static void Keyspace(StringBuilder text, NodeServices node)
    {
        Header(text, "Keyspace");
        var keys = node.Storage.ApproximateKeyCount(StorageColumn.Data);
        if (keys > 0)
        {
            Line(text, "db0", string.Create(CultureInfo.InvariantCulture, $"keys={keys},expires={node.Storage.ApproximateKeyCount(StorageColumn.Expiry)},avg_ttl=0"));
        }
    }

    private static void Replication(StringBuilder text, NodeStatus status, NodeServices node)
    {
        Header(text, "Replication");
        if (status.Role == NodeRole.Leader)
        {
            LeaderReplication(text, status, node.NowMs);
        }
        else
        {
            FollowerReplication(text, status, node.NowMs);
        }
        Line(text, "master_failover_state", status.Election.FailoverState);
        Line(text, "master_replid", ReplicationId.Of(status.Leader, status.Epoch));
        Line(text, "master_replid2", ReplicationId.None);
        Line(text, "master_repl_offset", status.Last.Lsn.Value);
        Line(text, "second_repl_offset", -1);
        Line(text, "repl_backlog_active", 1);
        Line(text, "repl_backlog_first_byte_offset", 1);
        Line(text, "repl_backlog_histlen", status.Last.Lsn.Value);
        Line(text, "chorus_node_id", status.Self.Value);
        Line(text, "chorus_cluster_id", status.Settings.ClusterId.Length > 0 ? status.Settings.ClusterId : "none");
        Line(text, "chorus_leader", status.Leader?.Value ?? "none");
        Line(text, "chorus_role", status.Role.ToString().ToLowerInvariant());
        Line(text, "chorus_epoch", status.Epoch.Value);
        Line(text, "chorus_voted_for", status.Election.VotedFor?.Value ?? "none");
        Line(text, "chorus_elections_started", status.Election.ElectionsStarted);
        Line(text, "chorus_times_elected", status.Election.TimesElected);
        Line(text, "chorus_failover_mode", status.Settings.Failover.ToString().ToLowerInvariant());
        var logFormat = node.Driver.LogFormat;
        Line(text, "chorus_log_format", logFormat.FormatName);
        Line(text, "chorus_statement_rewrite", logFormat.Rewrite ? "yes" : "no");
        Line(text, "chorus_storage_format_version", node.Driver.StorageFormatVersion);
        var statements = node.Driver.Statements;
        Line(text, "chorus_unknown_statement", Chorus.Commands.Statements.UnknownStatementPolicies.Name(statements.UnknownStatements));
        Line(text, "chorus_statements_skipped", statements.Skipped);
        if (statements.LastSkipped is { } skipped)
        {
            Line(text, "chorus_statement_skipped_last", skipped);
        }
        if (node.Driver.ReplicationRefusal is { } refusal)
        {
            Line(text, "chorus_replication_refused", refusal);
        }
        if (status.Election.LastStepDownReason is { } reason)
        {
            Line(text, "chorus_last_step_down", reason.Describe().Replace('\n', ' '));
        }
        Line(text, "chorus_rollbacks", node.Driver.Rollbacks);
        Line(text, "chorus_rolled_back_entries", node.Driver.RolledBackEntries);
        Line(text, "chorus_rollbacks_pending", node.Driver.PendingRollbacks);
        Line(text, "chorus_last_lsn", status.Last.Lsn.Value);
        Line(text, "chorus_flushed_lsn", status.Flushed.Value);
        var ack = status.Settings.Ack;
        Line(text, "chorus_ack", ack.ModeText);
        Line(text, "chorus_ack_level", AckPolicy.LevelText(ack.Level));
        Line(text, "chorus_ack_timeout_ms", ack.TimeoutMs);
        Line(text, "chorus_ack_on_timeout", AckPolicy.TimeoutActionText(ack.OnTimeout));
        if (status.Acks is { } acks)
        {
            Line(text, "chorus_acked_lsn", status.AckedLsn.Value);
            Line(text, "chorus_ack_state", acks.IsDegraded ? "degraded" : "ok");
            Line(text, "chorus_ack_degraded_since_ms", acks.DegradedSinceMs);
            Line(text, "chorus_ack_degradations", acks.Degradations);
            Line(text, "chorus_ack_timed_out_writes", acks.TimedOutWrites);
        }
        Line(text, "chorus_members", string.Join(',', status.Settings.Members.Select(m => $"{m.Id}:{m.Role.ToString().ToLowerInvariant()}")));
        Snapshots(text, node.Snapshots, node.NowMs);
        Line(text, "chorus_log_first_lsn", node.Driver.Status.LogBase.Value + 1);
    }

    private static void Snapshots(StringBuilder text, Hosting.SnapshotProgress snapshots, long nowMs)
    {
        Line(text, "chorus_snapshot_state", snapshots.State.ToString().ToLowerInvariant());
        Line(text, "chorus_snapshot_source", snapshots.Source);
        Line(text, "chorus_snapshot_lsn", snapshots.Position.Lsn.Value);
        Line(text, "chorus_snapshot_bytes_done", snapshots.BytesDone);
        Line(text, "chorus_snapshot_bytes_total", snapshots.BytesTotal);
        Line(text, "chorus_snapshot_rate_mb_per_s", snapshots.RateMegabytesPerSecond(nowMs).ToString("0.0", CultureInfo.InvariantCulture));
        Line(text, "chorus_snapshot_eta_s", snapshots.EtaSeconds(nowMs).ToString("0.0", CultureInfo.InvariantCulture));
        Line(text, "chorus_snapshots_installed", snapshots.Installed);
        Line(text, "chorus_snapshots_served", snapshots.Served);
        Line(text, "chorus_snapshots_serving", snapshots.Serving);
        Line(text, "chorus_resync_method", snapshots.Method.ToString().ToLowerInvariant());
        if (snapshots.LastMerkle is { } merkle)
        {
            Line(text, "chorus_merkle_resync_rows_copied", merkle.RowsCopied);
            Line(text, "chorus_merkle_resync_row_bytes_copied", merkle.RowBytesCopied);
            Line(text, "chorus_merkle_resync_rows_removed", merkle.RowsRemoved);
            Line(text, "chorus_merkle_resync_leader_rows", merkle.LeaderRows);
            Line(text, "chorus_merkle_resync_ranges", merkle.DifferingRanges);
            Line(text, "chorus_merkle_resync_bytes_received", merkle.BytesReceived);
            Line(text, "chorus_merkle_resync_bytes_sent", merkle.BytesSent);
            Line(text, "chorus_merkle_resync_ms", merkle.DurationMs);
        }
    }

    private static void LeaderReplication(StringBuilder text, NodeStatus status, long nowMs)
    {
        var connected = status.Followers.Where(f => f.State == FollowerState.Replicating).ToArray();
        Line(text, "role", "master");
        Line(text, "connected_slaves", connected.Length);
        for (var i = 0; i < connected.Length; i++)
        {
            var f = connected[i];
            var (host, port) = SplitEndpoint(f.ClientEndpoint);
            var lagSeconds = f.LastHeardAtMs < 0 ? -1 : Math.Max(0, nowMs - f.LastHeardAtMs) / 1000;
            Line(text, $"slave{i}", string.Create(CultureInfo.InvariantCulture,
                $"ip={host},port={port},state=online,offset={f.Match},lag={lagSeconds},node={f.Id},role={f.Role.ToString().ToLowerInvariant()},received={f.Received},flushed={f.Flushed},lag_entries={f.LagEntries},lag_ms={f.LagMs},ack_latency_ms={f.AckLatencyMs:0.###},resumed_from={f.SubscribedFrom}"));
        }
        var others = status.Followers.Where(f => f.State != FollowerState.Replicating).ToArray();
        Line(text, "chorus_followers_not_streaming", others.Length == 0 ? "none" : string.Join(",", others.Select(f => $"{f.Id}={f.State.ToString().ToLowerInvariant()}")));
    }

    private static void FollowerReplication(StringBuilder text, NodeStatus status, long nowMs)
    {
        var link = status.Link;
        var (host, port) = SplitEndpoint(link?.LeaderClientEndpoint ?? "");
        Line(text, "role", "slave");
        Line(text, "master_host", host);
        Line(text, "master_port", port);
        Line(text, "master_link_status", link?.IsUp == true ? "up" : "down");
        Line(text, "master_last_io_seconds_ago", link is null || link.LastHeardAtMs < 0 ? -1 : Math.Max(0, nowMs - link.LastHeardAtMs) / 1000);
        Line(text, "master_sync_in_progress", 0);
        Line(text, "slave_read_repl_offset", status.Last.Lsn.Value);
        Line(text, "slave_repl_offset", status.Last.Lsn.Value);
        Line(text, "slave_priority", 100);
        Line(text, "slave_read_only", 1);
        Line(text, "replica_announced", 1);
        Line(text, "connected_slaves", 0);
        Line(text, "chorus_lag_entries", link?.LagEntries ?? 0);
        Line(text, "chorus_lag_ms", link?.LagMs ?? 0);
        Line(text, "chorus_resumed_from_lsn", link?.ResumedFrom.Value ?? 0);
        Line(text, "chorus_subscriptions", link?.Subscriptions ?? 0);
        Line(text, "chorus_truncations", link?.Truncations ?? 0);
    }

    public static (string Host, string Port) SplitEndpoint(string endpoint)
    {
        var colon = endpoint.LastIndexOf(':');
        return colon < 0 ? (endpoint, "0") : (endpoint[..colon], endpoint[(colon + 1)..]);
    }

    internal static void Header(StringBuilder text, string name) => text.Append("# ").Append(name).Append("\r\n");

    internal static void Line(StringBuilder text, string field, object value) =>
        text.Append(field).Append(':').Append(Convert.ToString(value, CultureInfo.InvariantCulture)).Append("\r\n");
}
