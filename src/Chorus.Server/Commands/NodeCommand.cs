using System.Text;
using Chorus.Commands.Execution;
using Chorus.Core;
using Chorus.Replication.Membership;
using Chorus.Resp;

namespace Chorus.Server.Commands;

/// <summary>
/// CHORUS.NODE ADD id peer-host:port [client-host:port] | REMOVE id | LIST — membership changes,
/// made on the leader and replicated through the log so every node agrees. A new node joins as
/// a learner (it receives the log but counts for nothing) and is promoted to a voting follower
/// once it has caught up.
/// </summary>
internal static class NodeCommand
{
    public static ServerCommand Command { get; } =
        new(new CommandSpec("CHORUS.NODE", -2, CommandFlags.Admin | CommandFlags.NoScript, 0, 0, 0), ExecuteAsync);

    private static async ValueTask ExecuteAsync(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        if (command.ArgumentIs(1, "LIST"u8) && command.ArgumentCount == 2)
        {
            List(context, reply);
            return;
        }
        Func<ClusterSettings, ClusterSettings>? change = null;
        if (command.ArgumentIs(1, "ADD"u8) && command.ArgumentCount is 4 or 5)
        {
            if (!TryNodeId(command[2], out var id, out var error))
            {
                reply.WriteError("ERR " + error);
                return;
            }
            var peer = Text(command[3]);
            var client = command.ArgumentCount == 5 ? Text(command[4]) : "";
            change = settings => settings.Find(id) is null
                ? settings.WithMember(new Member(id, peer, client, MemberRole.Learner))
                : throw new ArgumentException($"{id} is already a member");
        }
        else if (command.ArgumentIs(1, "REMOVE"u8) && command.ArgumentCount == 3)
        {
            if (!TryNodeId(command[2], out var id, out var error))
            {
                reply.WriteError("ERR " + error);
                return;
            }
            change = settings => settings.Find(id) is null
                ? throw new ArgumentException($"{id} is not a member")
                : id == context.Node.Driver.Status.Leader
                    ? throw new ArgumentException($"{id} is the leader and cannot be removed")
                    : settings.WithoutMember(id);
        }
        if (change is null)
        {
            reply.WriteError("ERR unknown subcommand or wrong number of arguments. Try CHORUS.NODE ADD id peer-host:port [client-host:port] | REMOVE id | LIST.");
            return;
        }
        if (await LeadershipControl.ChangeSettingsAsync(context.Node, change) is { } failure)
        {
            reply.WriteError(failure);
        }
        else
        {
            reply.WriteOk();
        }
    }

    private static void List(ServerCommandContext context, RespWriter reply)
    {
        var status = context.Node.Driver.Status;
        reply.WriteArrayHeader(status.Settings.Members.Count);
        foreach (var member in status.Settings.Members)
        {
            var follower = status.Followers.FirstOrDefault(f => f.Id == member.Id);
            reply.WriteMapHeader(5);
            reply.WriteBulkString("id");
            reply.WriteBulkString(member.Id.Value);
            reply.WriteBulkString("role");
            reply.WriteBulkString(member.Id == status.Leader ? "leader" : member.Role.ToString().ToLowerInvariant());
            reply.WriteBulkString("peer");
            reply.WriteBulkString(member.PeerAddress);
            reply.WriteBulkString("state");
            reply.WriteBulkString(member.Id == status.Self ? "self" : follower?.State.ToString().ToLowerInvariant() ?? "unknown");
            reply.WriteBulkString("applied_lsn");
            reply.WriteInteger(member.Id == status.Self ? (long)status.Last.Lsn.Value : (long)(follower?.Match.Value ?? 0));
        }
    }

    private static bool TryNodeId(ReadOnlySpan<byte> bytes, out NodeId id, out string error)
    {
        try
        {
            id = new NodeId(Text(bytes));
            error = "";
            return true;
        }
        catch (ArgumentException e)
        {
            id = default;
            error = e.Message;
            return false;
        }
    }

    private static string Text(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
}
