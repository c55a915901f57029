using System.Globalization;
using System.Text;
using Chorus.Commands.Execution;
using Chorus.Resp;
using Chorus.Server.Commands;

namespace Chorus.Server.Sentinel;

/// <summary>
/// The Redis Sentinel API, answered by every node about its own cluster, so that Sentinel-aware
/// clients (StackExchange.Redis with a service name, redis-py's Sentinel, ioredis, Lettuce, Jedis)
/// find the leader and follow it: each node is one of the cluster's "sentinels", the cluster is
/// one master named by <c>SentinelMasterName</c> (default <c>chorus</c>), its followers are the
/// replicas. Chorus elects its own leaders, so the commands that reconfigure Sentinel (MONITOR,
/// SET, FAILOVER, …) are refused; <c>+switch-master</c> is published by <see cref="PubSub.FailoverSignal"/>.
/// </summary>
internal static class SentinelCommand
{
    public static ServerCommand Command { get; } =
        new(new CommandSpec("SENTINEL", -2, CommandFlags.Admin | CommandFlags.Loading | CommandFlags.Stale | CommandFlags.NoScript, 0, 0, 0) { Group = "sentinel" }, Execute);

    private static ValueTask Execute(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        var sub = Encoding.UTF8.GetString(command[1]).ToLowerInvariant();
        var arguments = command.ArgumentCount;
        var expected = sub switch
        {
            "get-master-addr-by-name" or "master" or "replicas" or "slaves" or "sentinels" or "ckquorum" => 3,
            "masters" or "myid" or "help" => 2,
            _ => -1,
        };
        if (expected < 0)
        {
            reply.WriteError(sub is "monitor" or "remove" or "set" or "failover" or "reset" or "flushconfig" or "config" or "simulate-failure" or "is-master-down-by-addr"
                ? $"ERR Chorus elects its own leader: SENTINEL {sub.ToUpperInvariant()} is not supported (FAILOVER TO <node> on the leader moves leadership)"
                : $"ERR unknown subcommand '{Encoding.UTF8.GetString(command[1])}'. Try SENTINEL HELP.");
            return ValueTask.CompletedTask;
        }
        if (arguments != expected)
        {
            reply.WriteError(Errors.WrongArgumentCount($"sentinel|{sub}"));
            return ValueTask.CompletedTask;
        }
        // The published status, not a refreshed one: clients poll SENTINEL hardest during a failover,
        // when the loop may be busy (installing a snapshot, electing), and a refresh would hold each
        // answer up to a second for a leader address the published status already has.
        var view = new SentinelView(context.Node);
        if (expected == 3 && !view.Names(command[2]))
        {
            if (sub == "get-master-addr-by-name")
            {
                reply.WriteNullArray();
            }
            else
            {
                reply.WriteError("ERR No such master with that name");
            }
            return ValueTask.CompletedTask;
        }
        Answer(sub, view, reply);
        return ValueTask.CompletedTask;
    }

    private static void Answer(string sub, SentinelView view, RespWriter reply)
    {
        switch (sub)
        {
            case "get-master-addr-by-name" when view.Master is { } master:
                var (host, port) = InfoBuilder.SplitEndpoint(master.Endpoint);
                reply.WriteArrayHeader(2);
                reply.WriteBulkString(host);
                reply.WriteBulkString(port);
                break;
            case "get-master-addr-by-name":
                reply.WriteNullArray();
                break;
            case "masters":
                reply.WriteArrayHeader(view.Master is null ? 0 : 1);
                view.WriteMaster(reply);
                break;
            case "master" when view.Master is null:
                reply.WriteError("ERR No such master with that name");
                break;
            case "master":
                view.WriteMaster(reply);
                break;
            case "replicas" or "slaves":
                view.WriteReplicas(reply);
                break;
            case "sentinels":
                view.WriteSentinels(reply);
                break;
            case "ckquorum":
                reply.WriteSimpleString(string.Create(CultureInfo.InvariantCulture,
                    $"OK {view.Voters} usable Sentinels. Quorum and failover authorization can be reached"));
                break;
            case "myid":
                reply.WriteBulkString(view.RunId(view.Status.Self));
                break;
            default:
                WriteHelp(reply);
                break;
        }
    }

    private static void WriteHelp(RespWriter reply)
    {
        string[] lines =
        [
            "SENTINEL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "GET-MASTER-ADDR-BY-NAME <master-name>",
            "    Return the ip and port number of the master (the Chorus cluster's leader).",
            "MASTERS",
            "    Show the master (the cluster) and its state.",
            "MASTER <master-name>",
            "    Show the state and info of the master.",
            "REPLICAS <master-name>",
            "    Show the replicas (the leader's followers) and their state. SLAVES is an alias.",
            "SENTINELS <master-name>",
            "    Show the other sentinels (the cluster's other nodes) and their state.",
            "CKQUORUM <master-name>",
            "    Check that the voters can elect a leader.",
            "MYID",
            "    Return this node's sentinel id.",
        ];
        reply.WriteArrayHeader(lines.Length);
        foreach (var line in lines)
        {
            reply.WriteSimpleString(line);
        }
    }
}
