using Chorus.Commands.Execution;
using Chorus.Replication;
using Chorus.Replication.Progress;
using Chorus.Resp;

namespace Chorus.Server.Commands;

/// <summary>ROLE, in Redis's shape: ["master", offset, [[ip, port, offset] ...]] or ["slave", ip, port, state, offset].</summary>
internal static class RoleCommand
{
    public static ServerCommand Command { get; } =
        new(new CommandSpec("ROLE", 1, CommandFlags.Fast | CommandFlags.Loading | CommandFlags.Stale | CommandFlags.NoScript, 0, 0, 0), Execute);

    private static async ValueTask Execute(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        await context.Node.RefreshStatusAsync();
        var status = context.Node.Driver.Status;
        if (status.Role == NodeRole.Leader)
        {
            var followers = status.Followers.Where(f => f.State == FollowerState.Replicating).ToArray();
            reply.WriteArrayHeader(3);
            reply.WriteBulkString("master");
            reply.WriteInteger((long)status.Last.Lsn.Value);
            reply.WriteArrayHeader(followers.Length);
            foreach (var follower in followers)
            {
                var (host, port) = InfoBuilder.SplitEndpoint(follower.ClientEndpoint);
                reply.WriteArrayHeader(3);
                reply.WriteBulkString(host);
                reply.WriteBulkString(port);
                reply.WriteBulkString((long)follower.Match.Value);
            }
            return;
        }
        var link = status.Link;
        var (leaderHost, leaderPort) = InfoBuilder.SplitEndpoint(link?.LeaderClientEndpoint ?? "");
        reply.WriteArrayHeader(5);
        reply.WriteBulkString("slave");
        reply.WriteBulkString(leaderHost);
        reply.WriteInteger(long.TryParse(leaderPort, out var leaderPortNumber) ? leaderPortNumber : 0);
        reply.WriteBulkString(link?.IsUp == true ? "connected" : "connect");
        reply.WriteInteger((long)status.Last.Lsn.Value);
    }
}
