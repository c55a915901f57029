using Chorus.Commands.Values;

namespace Chorus.Commands.Data.Streams.Groups;

/// <summary>
/// Redis 7.0's consumer-group lag arithmetic (t_stream.c: streamRangeHasTombstones,
/// streamEstimateDistanceFromFirstEverEntry, streamReplyWithCGLag), so XINFO GROUPS shows the same
/// entries-read and lag, including null where Redis cannot tell because entries were deleted.
/// </summary>
internal static class GroupLag
{
    /// <summary>Whether a deleted id may lie at or after <paramref name="start"/> among the entries present.</summary>
    public static bool HasTombstonesFrom(StreamFacts s, StreamId start)
    {
        if (s.Length == 0 || s.Meta.MaxDeletedId == StreamId.Zero)
        {
            return false;
        }
        if (s.FirstId is { } first && first > s.Meta.MaxDeletedId)
        {
            return false;
        }
        return start <= s.Meta.MaxDeletedId;
    }

    /// <summary>The entries-read counter an id stands for, or <see cref="GroupState.UnknownEntriesRead"/>.</summary>
    public static long Estimate(StreamFacts s, StreamId id)
    {
        var added = (long)s.Meta.EntriesAdded;
        if (added == 0)
        {
            return 0;
        }
        if (s.Length == 0 && id <= s.Meta.LastId)
        {
            return added;
        }
        if (id == s.Meta.LastId)
        {
            return added;
        }
        if (id > s.Meta.LastId)
        {
            return GroupState.UnknownEntriesRead;
        }
        var first = s.FirstId ?? StreamId.Zero;
        if (s.Meta.MaxDeletedId == StreamId.Zero || s.Meta.MaxDeletedId < first)
        {
            if (id < first)
            {
                return added - s.Length;
            }
            if (id == first)
            {
                return added - s.Length + 1;
            }
        }
        return GroupState.UnknownEntriesRead;
    }

    /// <summary>The group's counter after delivering <paramref name="id"/> (beyond its last delivered id).</summary>
    public static long AfterDelivering(StreamFacts s, GroupState group, StreamId id)
    {
        if (group.EntriesRead != GroupState.UnknownEntriesRead && !HasTombstonesFrom(s, id))
        {
            return group.EntriesRead + 1;
        }
        return s.Meta.EntriesAdded != 0 ? Estimate(s, id) : group.EntriesRead;
    }

    /// <summary>The group's lag, or null when Redis would reply nil.</summary>
    public static long? Lag(StreamFacts s, GroupState group)
    {
        var added = (long)s.Meta.EntriesAdded;
        if (added == 0)
        {
            return 0;
        }
        if (group.EntriesRead != GroupState.UnknownEntriesRead && !HasTombstonesFrom(s, group.LastDelivered))
        {
            return added - group.EntriesRead;
        }
        var read = Estimate(s, group.LastDelivered);
        return read == GroupState.UnknownEntriesRead ? null : added - read;
    }
}
