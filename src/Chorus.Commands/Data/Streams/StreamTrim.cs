using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Streams;

internal enum TrimStrategy
{
    None,
    MaxLen,
    MinId,
}

/// <summary>
/// XADD's and XTRIM's trimming options, parsed as Redis 7.0's streamParseAddOrTrimArgsOrReply
/// does: <c>MAXLEN|MINID [=|~] threshold [LIMIT count]</c>, and for XADD <c>NOMKSTREAM</c> and the
/// id that ends the options.
/// </summary>
internal sealed class StreamTrim
{
    /// <summary>Redis's stream-node-max-entries default: approximate trimming removes whole nodes of this many entries.</summary>
    public const int NodeEntries = 100;

    public TrimStrategy Strategy { get; private set; }

    public bool Approximate { get; private set; }

    public long MaxLen { get; private set; }

    public StreamId MinId { get; private set; }

    /// <summary>With <c>~</c>: at most this many entries go (0: no limit). Redis's default is 100 nodes.</summary>
    public long Limit { get; private set; }

    public bool NoMakeStream { get; private set; }

    /// <summary>
    /// Parses options from argument 2. For XADD returns the index of the id argument; for XTRIM
    /// the argument count. Returns -1 with the error written.
    /// </summary>
    public static int Parse(RespCommand command, bool xadd, RespWriter reply, out StreamTrim trim)
    {
        trim = new StreamTrim();
        var limitGiven = false;
        var i = 2;
        for (; i < command.ArgumentCount; i++)
        {
            var moreArgs = command.ArgumentCount - 1 - i;
            var option = command[i];
            if (xadd && option.SequenceEqual("*"u8))
            {
                break;
            }
            if ((command.ArgumentIs(i, "MAXLEN"u8) || command.ArgumentIs(i, "MINID"u8)) && moreArgs > 0)
            {
                var maxLen = command.ArgumentIs(i, "MAXLEN"u8);
                if (trim.Strategy != TrimStrategy.None)
                {
                    reply.WriteError(StreamErrors.BothStrategies);
                    return -1;
                }
                trim.Approximate = false;
                if (moreArgs >= 2 && command[i + 1].SequenceEqual("~"u8))
                {
                    trim.Approximate = true;
                    i++;
                }
                else if (moreArgs >= 2 && command[i + 1].SequenceEqual("="u8))
                {
                    i++;
                }
                if (maxLen)
                {
                    if (!IntegerText.TryParse(command[i + 1], out var length))
                    {
                        reply.WriteError(Errors.NotInteger);
                        return -1;
                    }
                    if (length < 0)
                    {
                        reply.WriteError(StreamErrors.MaxLenNegative);
                        return -1;
                    }
                    trim.MaxLen = length;
                }
                else
                {
                    if (!StreamIds.TryParseStrict(command[i + 1], 0, out var minId))
                    {
                        reply.WriteError(StreamErrors.InvalidId);
                        return -1;
                    }
                    trim.MinId = minId;
                }
                i++;
                trim.Strategy = maxLen ? TrimStrategy.MaxLen : TrimStrategy.MinId;
            }
            else if (command.ArgumentIs(i, "LIMIT"u8) && moreArgs > 0)
            {
                if (!IntegerText.TryParse(command[i + 1], out var limit))
                {
                    reply.WriteError(Errors.NotInteger);
                    return -1;
                }
                if (limit < 0)
                {
                    reply.WriteError(StreamErrors.LimitNegative);
                    return -1;
                }
                trim.Limit = limit;
                limitGiven = true;
                i++;
            }
            else if (xadd && command.ArgumentIs(i, "NOMKSTREAM"u8))
            {
                trim.NoMakeStream = true;
            }
            else if (xadd)
            {
                // The id ends the options; Redis parses it here, before the checks below.
                if (!StreamId.TryParse(option, 0, out _, new Ref<bool>(false)))
                {
                    reply.WriteError(StreamErrors.InvalidId);
                    return -1;
                }
                break;
            }
            else
            {
                reply.WriteError(Errors.Syntax);
                return -1;
            }
        }
        if (trim.Limit != 0 && trim.Strategy == TrimStrategy.None)
        {
            reply.WriteError(StreamErrors.LimitWithoutStrategy);
            return -1;
        }
        if (!xadd && trim.Strategy == TrimStrategy.None)
        {
            reply.WriteError(StreamErrors.TrimWithoutStrategy);
            return -1;
        }
        if (limitGiven && !trim.Approximate)
        {
            reply.WriteError(StreamErrors.LimitWithoutApprox);
            return -1;
        }
        if (!limitGiven)
        {
            trim.Limit = trim.Approximate ? 100 * NodeEntries : 0;
        }
        return i;
    }

    /// <summary>
    /// The oldest entries of collection <paramref name="collectionId"/> (<paramref name="count"/>
    /// entries) that go. Exact trimming removes every entry past MAXLEN or below MINID.
    /// Approximate trimming (<c>~</c>) follows Redis's streamTrim over nodes: it removes the oldest
    /// node while the whole node can go (MAXLEN: the rest still holds MAXLEN entries; MINID: all
    /// of it is below) and LIMIT allows, and stops at the first that cannot. Chorus's nodes are
    /// runs of <see cref="NodeEntries"/> entries from the oldest; Redis's also end at 4096 bytes
    /// and keep their bounds across XDEL, so with large entries or after deletions the two may
    /// trim different (both valid) amounts (docs/compatibility.md).
    /// </summary>
    public List<StreamReads.Entry> Victims(IKeyspaceView view, ulong collectionId, long count)
    {
        List<StreamReads.Entry> victims;
        if (Strategy == TrimStrategy.MaxLen)
        {
            var excess = Allowed(Math.Max(0, count - MaxLen), count);
            victims = excess == 0 ? [] : StreamReads.Range(view, collectionId, StreamId.Zero, StreamId.Max, excess, reverse: false);
        }
        else if (Strategy == TrimStrategy.MinId && MinId.TryPrevious(out var below))
        {
            victims = StreamReads.Range(view, collectionId, StreamId.Zero, below, 0, reverse: false);
            var allowed = (int)Allowed(victims.Count, count);
            victims.RemoveRange(allowed, victims.Count - allowed);
        }
        else
        {
            victims = [];
        }
        return victims;
    }

    /// <summary>How many of the <paramref name="exact"/> entries exact trimming would remove may go.</summary>
    private long Allowed(long exact, long count)
    {
        if (!Approximate)
        {
            return exact;
        }
        long removed = 0;
        while (true)
        {
            var node = Math.Min(NodeEntries, count - removed);
            if (node == 0 || removed + node > exact || (Limit != 0 && removed + node > Limit))
            {
                return removed;
            }
            removed += node;
        }
    }
}
