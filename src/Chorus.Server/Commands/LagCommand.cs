using Chorus.Commands.Execution;
using Chorus.Replication;
using Chorus.Resp;

using static Chorus.Server.Commands.ReplyFields;

namespace Chorus.Server.Commands;

/// <summary>
/// CHORUS.LAG: replication lag as data. On the leader, one entry per follower: its state, role,
/// applied LSN, lag in entries and milliseconds (age of the oldest entry it has not applied),
/// ack latency and when it was last heard from. On a follower, its own lag behind the leader.
/// </summary>
internal static class LagCommand
{
    public static ServerCommand Command { get; } =
        new(new CommandSpec("CHORUS.LAG", 1, CommandFlags.ReadOnly | CommandFlags.Fast | CommandFlags.Loading | CommandFlags.Stale, 0, 0, 0), Execute);

    private static async ValueTask Execute(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        await context.Node.RefreshStatusAsync();
        var status = context.Node.Driver.Status;
        var now = context.Node.NowMs;
        if (status.Role == NodeRole.Leader)
        {
            reply.WriteMapHeader(status.Followers.Count);
            foreach (var f in status.Followers)
            {
                reply.WriteBulkString(f.Id.Value);
                reply.WriteMapHeader(9);
                Field(reply, "endpoint", f.ClientEndpoint);
                Field(reply, "state", f.State.ToString().ToLowerInvariant());
                Field(reply, "role", f.Role.ToString().ToLowerInvariant());
                Field(reply, "applied_lsn", (long)f.Match.Value);
                Field(reply, "flushed_lsn", (long)f.Flushed.Value);
                Field(reply, "lag_entries", (long)f.LagEntries);
                Field(reply, "lag_ms", f.LagMs);
                Field(reply, "ack_latency_ms", (long)Math.Round(f.AckLatencyMs));
                Field(reply, "last_heard_ms_ago", f.LastHeardAtMs < 0 ? -1 : now - f.LastHeardAtMs);
            }
            return;
        }
        var link = status.Link;
        reply.WriteMapHeader(1);
        reply.WriteBulkString(status.Self.Value);
        var reads = context.Node.FollowerReads;
        reply.WriteMapHeader(11);
        Field(reply, "link", link?.IsUp == true ? "up" : "down");
        Field(reply, "applied_lsn", (long)status.Last.Lsn.Value);
        Field(reply, "lag_entries", (long)(link?.LagEntries ?? 0));
        Field(reply, "lag_ms", link?.LagMs ?? 0);
        Field(reply, "last_heard_ms_ago", link is null || link.LastHeardAtMs < 0 ? -1 : now - link.LastHeardAtMs);
        // What the read guarantees did here, and how stale the reads this follower served were.
        Field(reply, "reads_served", reads.ReadsServed);
        Field(reply, "reads_forwarded", context.Node.Stats.ForwardedReads);
        Field(reply, "reads_refused", reads.Refused);
        Field(reply, "reads_redirected", reads.Redirected);
        Field(reply, "read_staleness_ms", Consistency.FollowerReadStats.Text(Consistency.FollowerReadStats.MsBounds, reads.MsBuckets));
        Field(reply, "read_staleness_entries", Consistency.FollowerReadStats.Text(Consistency.FollowerReadStats.EntryBounds, reads.EntryBuckets));
    }
}
