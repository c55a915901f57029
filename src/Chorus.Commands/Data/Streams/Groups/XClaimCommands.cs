using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Streams.Groups;

/// <summary>
/// XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME unix-ms] [RETRYCOUNT n]
/// [FORCE] [JUSTID] [LASTID id], and XAUTOCLAIM key group consumer min-idle-time start [COUNT n]
/// [JUSTID] (Redis 7.0): pending entries idle at least that long change owner. An entry deleted
/// from the stream leaves the PEL instead (XAUTOCLAIM lists those ids). Idle times are measured
/// against the leader's command time, so every replica claims the same entries.
/// </summary>
internal static class XClaimCommands
{
    public static readonly CommandSpec XClaimSpec = new("XCLAIM", -6, CommandFlags.Write | CommandFlags.Fast, 1, 1, 1, Write: Claim);

    public static readonly CommandSpec XAutoClaimSpec = new("XAUTOCLAIM", -6, CommandFlags.Write | CommandFlags.Fast, 1, 1, 1, Write: AutoClaim);

    /// <summary>XAUTOCLAIM looks at up to this many PEL entries per entry it may claim (Redis's attempts_factor).</summary>
    private const long AttemptsFactor = 10;

    private sealed record ClaimOptions(long DeliveredMs, long RetryCount, bool Force, bool JustId, StreamId LastId);

    /// <summary>The group (null if the key or group is missing); false after replying WRONGTYPE.</summary>
    private static bool TryOpenGroup(WriteContext context, RespCommand command, RespWriter reply, out GroupSession? group)
    {
        group = null;
        var live = context.GetLive(command[1]);
        if (TypedLookup.Find(live, DataType.Stream, out _) == LookupStatus.WrongType)
        {
            reply.WriteError(Errors.WrongType);
            return false;
        }
        group = live is null ? null : GroupSession.Open(new StreamEdit(context, command[1], live), command[2].ToArray());
        return true;
    }

    private static void Claim(WriteContext context, RespCommand command, RespWriter reply)
    {
        if (!TryOpenGroup(context, command, reply, out var found))
        {
            return;
        }
        if (found is not { } group)
        {
            reply.WriteError(GroupErrors.NoKeyOrGroup(command[1], command[2]));
            return;
        }
        if (!IntegerText.TryParse(command[4], out var minIdleMs))
        {
            reply.WriteError(GroupErrors.Invalid("min-idle-time", "XCLAIM"));
            return;
        }
        var ids = new List<StreamId>();
        var at = 5;
        for (; at < command.ArgumentCount && StreamIds.TryParseStrict(command[at], 0, out var id); at++)
        {
            ids.Add(id);
        }
        if (ParseClaimOptions(command, at, context.NowMs, reply) is not { } options)
        {
            return;
        }
        if (options.LastId > group.State.LastDelivered)
        {
            group.State = group.State with { LastDelivered = options.LastId };
            group.Save();
        }
        var consumer = command[3].ToArray();
        var claimed = new List<GroupDelivery.Delivered>();
        foreach (var id in ids)
        {
            var pending = group.Pending(id);
            var entry = GroupDelivery.Entry(group.Edit, id);
            if (entry is null)
            {
                group.Acknowledge(id); // gone from the stream: gone from the PEL
                continue;
            }
            if (pending is null && !options.Force)
            {
                continue;
            }
            if (pending is not null && minIdleMs > 0 && context.NowMs - pending.DeliveredMs < minIdleMs)
            {
                continue;
            }
            group.SeeConsumer(consumer);
            var count = options.RetryCount >= 0 ? options.RetryCount : (pending?.DeliveryCount ?? 1) + (options.JustId ? 0 : 1);
            group.Deliver(id, consumer, options.DeliveredMs, count);
            claimed.Add(new GroupDelivery.Delivered(id, entry));
        }
        group.Edit.Commit();
        WriteClaimed(reply, claimed, options.JustId);
    }

    private static ClaimOptions? ParseClaimOptions(RespCommand command, int at, long nowMs, RespWriter reply)
    {
        long deliveredMs = -1, retryCount = -1;
        bool force = false, justId = false;
        var lastId = StreamId.Zero;
        for (var i = at; i < command.ArgumentCount; i++)
        {
            var moreArgs = i + 1 < command.ArgumentCount;
            if (command.ArgumentIs(i, "FORCE"u8))
            {
                force = true;
            }
            else if (command.ArgumentIs(i, "JUSTID"u8))
            {
                justId = true;
            }
            else if (command.ArgumentIs(i, "IDLE"u8) && moreArgs)
            {
                if (!IntegerText.TryParse(command[++i], out var idleMs))
                {
                    reply.WriteError(GroupErrors.Invalid("IDLE option", "XCLAIM"));
                    return null;
                }
                deliveredMs = nowMs - idleMs;
            }
            else if (command.ArgumentIs(i, "TIME"u8) && moreArgs)
            {
                if (!IntegerText.TryParse(command[++i], out deliveredMs))
                {
                    reply.WriteError(GroupErrors.Invalid("TIME option", "XCLAIM"));
                    return null;
                }
            }
            else if (command.ArgumentIs(i, "RETRYCOUNT"u8) && moreArgs)
            {
                if (!IntegerText.TryParse(command[++i], out retryCount))
                {
                    reply.WriteError(GroupErrors.Invalid("RETRYCOUNT option", "XCLAIM"));
                    return null;
                }
            }
            else if (command.ArgumentIs(i, "LASTID"u8) && moreArgs)
            {
                if (!StreamIds.TryParseStrict(command[++i], 0, out lastId))
                {
                    reply.WriteError(StreamErrors.InvalidId);
                    return null;
                }
            }
            else
            {
                reply.WriteError($"ERR Unrecognized XCLAIM option '{System.Text.Encoding.UTF8.GetString(command[i])}'");
                return null;
            }
        }
        // A bogus time (negative, or in the future) means now, as in Redis.
        if (deliveredMs < 0 || deliveredMs > nowMs)
        {
            deliveredMs = nowMs;
        }
        return new ClaimOptions(deliveredMs, retryCount, force, justId, lastId);
    }

    /// <summary>Unlike XCLAIM, Redis 7.0 parses XAUTOCLAIM's arguments before it looks at the key, so a bad argument wins over WRONGTYPE.</summary>
    private static void AutoClaim(WriteContext context, RespCommand command, RespWriter reply)
    {
        if (!IntegerText.TryParse(command[4], out var minIdleMs))
        {
            reply.WriteError(GroupErrors.Invalid("min-idle-time", "XAUTOCLAIM"));
            return;
        }
        if (!IntervalBounds.TryParseStart(command[5], reply, out var start))
        {
            return;
        }
        long count = 100;
        var justId = false;
        for (var i = 6; i < command.ArgumentCount; i++)
        {
            if (command.ArgumentIs(i, "COUNT"u8) && i + 1 < command.ArgumentCount)
            {
                if (!IntegerText.TryParse(command[++i], out count) || count < 1 || count > long.MaxValue / 16 / AttemptsFactor)
                {
                    reply.WriteError(GroupErrors.CountNotPositive);
                    return;
                }
            }
            else if (command.ArgumentIs(i, "JUSTID"u8))
            {
                justId = true;
            }
            else
            {
                reply.WriteError(Errors.Syntax);
                return;
            }
        }
        if (!TryOpenGroup(context, command, reply, out var found))
        {
            return;
        }
        if (found is not { } group)
        {
            reply.WriteError(GroupErrors.NoKeyOrGroup(command[1], command[2]));
            return;
        }
        AutoClaimFrom(group, command[3].ToArray(), minIdleMs, start, count, justId, reply);
    }

    private static void AutoClaimFrom(GroupSession group, byte[] consumer, long minIdleMs, StreamId start, long count, bool justId, RespWriter reply)
    {
        var edit = group.Edit;
        var attempts = count * AttemptsFactor;
        var scanned = GroupScans.Range(edit.Context, edit.CollectionId!.Value, group.Name, start, StreamId.Max, attempts + 1);
        var claimed = new List<GroupDelivery.Delivered>();
        var deleted = new List<StreamId>();
        var looked = 0;
        for (; looked < scanned.Count && attempts > 0 && count > 0; looked++, attempts--)
        {
            var (id, pending) = scanned[looked];
            if (GroupDelivery.Entry(edit, id) is not { } entry)
            {
                group.Acknowledge(id);
                deleted.Add(id);
                count--;
                continue;
            }
            if (minIdleMs > 0 && edit.NowMs - pending.DeliveredMs < minIdleMs)
            {
                continue;
            }
            group.SeeConsumer(consumer);
            group.Deliver(id, consumer, edit.NowMs, pending.DeliveryCount + (justId ? 0 : 1));
            claimed.Add(new GroupDelivery.Delivered(id, entry));
            count--;
        }
        var next = looked < scanned.Count ? scanned[looked].Id : StreamId.Zero;
        edit.Commit();
        reply.WriteArrayHeader(3);
        reply.WriteBulkString(next.ToText());
        WriteClaimed(reply, claimed, justId);
        reply.WriteArrayHeader(deleted.Count);
        foreach (var id in deleted)
        {
            reply.WriteBulkString(id.ToText());
        }
    }

    private static void WriteClaimed(RespWriter reply, List<GroupDelivery.Delivered> claimed, bool justId)
    {
        if (!justId)
        {
            GroupDelivery.Write(reply, claimed);
            return;
        }
        reply.WriteArrayHeader(claimed.Count);
        foreach (var entry in claimed)
        {
            reply.WriteBulkString(entry.Id.ToText());
        }
    }
}
