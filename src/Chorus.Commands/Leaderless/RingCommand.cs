using System.Globalization;
using System.Text;
using Chorus.Commands.Execution;
using Chorus.Core;
using Chorus.Core.Requests;
using Chorus.Resp;

namespace Chorus.Commands.Leaderless;

/// <summary>
/// CHORUS.RING — a leaderless cluster's membership (DDIA ch. 6, "Rebalancing partitions"):
/// <c>CHORUS.RING</c> shows the ring (its version, each member's share of the key space, and the
/// handover under way, if any); <c>CHORUS.RING ADD id peer-host:port [client-host:port]</c> and
/// <c>CHORUS.RING REMOVE id</c> start a change at any member, which spreads to the others by
/// gossip while the moved ranges stream to their new owners.
/// </summary>
internal static class RingCommand
{
    public const string Usage = "ERR unknown subcommand or wrong number of arguments. Try CHORUS.RING | CHORUS.RING ADD id peer-host:port [client-host:port] | CHORUS.RING REMOVE id.";

    public static CommandSpec Spec { get; } = new("CHORUS.RING", -1, CommandFlags.Admin | CommandFlags.NoScript, 0, 0, 0, Request: Plan);

    private static RequestPlan? Plan(RespCommand command, QuorumOverrides connection, RespWriter reply)
    {
        if (Parse(command, out var error) is not { } request)
        {
            reply.WriteError(error!);
            return null;
        }
        return new RequestPlan([request], (answers, writer) =>
        {
            if (answers[0].Error is { } failure)
            {
                writer.WriteError(failure);
            }
            else if (request.Operation == RingOperation.Show)
            {
                Write((RingShown)answers[0].Result!, writer);
            }
            else
            {
                writer.WriteOk();
            }
        });
    }

    private static RingRequest? Parse(RespCommand command, out string? error)
    {
        error = null;
        if (command.ArgumentCount == 1)
        {
            return new RingRequest(RingOperation.Show);
        }
        var add = command.ArgumentIs(1, "ADD"u8) && command.ArgumentCount is 4 or 5;
        var remove = command.ArgumentIs(1, "REMOVE"u8) && command.ArgumentCount == 3;
        if (!add && !remove)
        {
            error = Usage;
            return null;
        }
        if (!NodeId.TryParse(Encoding.UTF8.GetString(command[2]), out var node))
        {
            error = $"ERR invalid node id '{Encoding.UTF8.GetString(command[2])}'";
            return null;
        }
        if (remove)
        {
            return new RingRequest(RingOperation.Remove, node);
        }
        var peer = Encoding.UTF8.GetString(command[3]);
        var client = command.ArgumentCount == 5 ? Encoding.UTF8.GetString(command[4]) : "";
        if (!IsEndpoint(peer) || (client.Length > 0 && !IsEndpoint(client)))
        {
            error = $"ERR invalid address '{(IsEndpoint(peer) ? client : peer)}': expected host:port";
            return null;
        }
        return new RingRequest(RingOperation.Add, node, peer, client);
    }

    private static bool IsEndpoint(string text) =>
        text.LastIndexOf(':') is > 0 and var colon
        && int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
        && port is > 0 and < 65536;

    /// <summary>version, members (id, peer, client, state, primary and replica share in %), leaving, awaiting, ranges_pending.</summary>
    private static void Write(RingShown ring, RespWriter writer)
    {
        writer.WriteMapHeader(5);
        writer.WriteBulkString("version");
        writer.WriteInteger(ring.Version);
        writer.WriteBulkString("members");
        writer.WriteArrayHeader(ring.Members.Count);
        foreach (var member in ring.Members)
        {
            writer.WriteMapHeader(6);
            writer.WriteBulkString("id");
            writer.WriteBulkString(member.Id.Value);
            writer.WriteBulkString("peer");
            writer.WriteBulkString(member.PeerAddress);
            writer.WriteBulkString("client");
            writer.WriteBulkString(member.ClientEndpoint);
            writer.WriteBulkString("state");
            writer.WriteBulkString(member.Joining ? "joining" : "member");
            writer.WriteBulkString("primary_share_pct");
            writer.WriteBulkString(Percent(member.PrimaryShare));
            writer.WriteBulkString("replica_share_pct");
            writer.WriteBulkString(Percent(member.ReplicaShare));
        }
        writer.WriteBulkString("leaving");
        WriteIds(ring.Leaving, writer);
        writer.WriteBulkString("awaiting");
        WriteIds(ring.AwaitedGainers, writer);
        writer.WriteBulkString("ranges_pending");
        writer.WriteInteger(ring.RangesPending);
    }

    private static void WriteIds(IReadOnlyList<NodeId> ids, RespWriter writer)
    {
        writer.WriteArrayHeader(ids.Count);
        foreach (var id in ids)
        {
            writer.WriteBulkString(id.Value);
        }
    }

    private static string Percent(double share) => (share * 100).ToString("0.00", CultureInfo.InvariantCulture);
}
