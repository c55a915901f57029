using System.Globalization;
using System.Text;
using Chorus.Commands.Execution;
using Chorus.Replication;
using Chorus.Resp;

namespace Chorus.Server.Commands;

/// <summary>
/// FAILOVER [TO host port] [TIMEOUT ms] | FAILOVER ABORT — Redis 6.2's manual failover: the
/// leader pauses writes, waits until the target (given by its client address, or else the most
/// up-to-date voter) has every entry, tells it to stand for election and steps down when it
/// wins. Replies OK once started; INFO's master_failover_state and ROLE show the outcome.
/// CHORUS.ELECT, on a follower, stands for election at once (the operator's failover when the
/// leader is gone, or in manual failover mode).
/// </summary>
internal static class FailoverCommand
{
    /// <summary>Without TIMEOUT, give up after this long rather than pause writes forever.</summary>
    public const long DefaultTimeoutMs = 30_000;

    public static IEnumerable<ServerCommand> All =>
    [
        new(new CommandSpec("FAILOVER", -1, CommandFlags.Admin | CommandFlags.NoScript | CommandFlags.Stale, 0, 0, 0), FailoverAsync),
        new(new CommandSpec("CHORUS.ELECT", 1, CommandFlags.Admin | CommandFlags.NoScript | CommandFlags.Stale, 0, 0, 0), ElectAsync),
    ];

    private static async ValueTask FailoverAsync(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        var status = context.Node.Driver.Status;
        if (status.Role != NodeRole.Leader)
        {
            reply.WriteError("ERR FAILOVER is not valid when server is a replica.");
            return;
        }
        if (command.ArgumentCount == 2 && command.ArgumentIs(1, "ABORT"u8))
        {
            Reply(reply, await LeadershipControl.AbortTransferAsync(context.Node));
            return;
        }
        if (!TryParse(command, out var host, out var port, out var timeoutMs, out var error))
        {
            reply.WriteError(error);
            return;
        }
        var target = host is null
            ? status.Followers.Where(f => f.Role == Replication.Membership.MemberRole.Voter && f.State == Replication.Progress.FollowerState.Replicating)
                .OrderByDescending(f => f.Match.Value).Select(f => (Core.NodeId?)f.Id).FirstOrDefault()
            : status.Followers.Where(f => Matches(f.ClientEndpoint, host, port) || Matches(status.Settings.Find(f.Id)?.ClientEndpoint, host, port))
                .Select(f => (Core.NodeId?)f.Id).FirstOrDefault();
        if (target is not { } id)
        {
            reply.WriteError(host is null ? "ERR FAILOVER requires connected replicas." : $"ERR FAILOVER target {host}:{port} is not a replica.");
            return;
        }
        Reply(reply, await LeadershipControl.TransferAsync(context.Node, id, timeoutMs));
    }

    private static async ValueTask ElectAsync(ServerCommandContext context, RespCommand command, RespWriter reply) =>
        Reply(reply, await LeadershipControl.ElectSelfAsync(context.Node));

    private static void Reply(RespWriter reply, string? error)
    {
        if (error is not null)
        {
            reply.WriteError(error);
        }
        else
        {
            reply.WriteOk();
        }
    }

    private static bool TryParse(RespCommand command, out string? host, out int port, out long timeoutMs, out string error)
    {
        host = null;
        port = 0;
        timeoutMs = DefaultTimeoutMs;
        error = "";
        for (var i = 1; i < command.ArgumentCount; i++)
        {
            if (command.ArgumentIs(i, "TO"u8) && i + 2 < command.ArgumentCount)
            {
                host = Encoding.UTF8.GetString(command[i + 1]);
                if (!int.TryParse(command[i + 2], NumberStyles.None, CultureInfo.InvariantCulture, out port))
                {
                    error = "ERR value is not an integer or out of range";
                    return false;
                }
                i += 2;
            }
            else if (command.ArgumentIs(i, "TIMEOUT"u8) && i + 1 < command.ArgumentCount)
            {
                if (!long.TryParse(command[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out timeoutMs) || timeoutMs <= 0)
                {
                    error = "ERR FAILOVER timeout must be greater than 0";
                    return false;
                }
                i++;
            }
            else if (command.ArgumentIs(i, "FORCE"u8))
            {
                error = "ERR FAILOVER FORCE is not supported: Chorus never hands over to a follower that lacks acknowledged writes";
                return false;
            }
            else
            {
                error = Errors.Syntax;
                return false;
            }
        }
        return true;
    }

    private static bool Matches(string? endpoint, string host, int port)
    {
        if (string.IsNullOrEmpty(endpoint))
        {
            return false;
        }
        var (h, p) = InfoBuilder.SplitEndpoint(endpoint);
        var sameHost = h == host || (IsLoopback(h) && IsLoopback(host));
        return sameHost && p == port.ToString(CultureInfo.InvariantCulture);
    }

    private static bool IsLoopback(string host) => host is "127.0.0.1" or "localhost" or "::1";
}
