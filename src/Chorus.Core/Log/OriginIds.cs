using System.Text;
using Chorus.Core.Encoding;

namespace Chorus.Core.Log;

/// <summary>
/// The origin node ids met while decoding log entries, kept so that decoding does not allocate a
/// string per entry: a cluster has a handful of nodes, and a follower catching up decodes hundreds
/// of thousands of entries a second that nearly all name the same one. An id from here equals a
/// freshly decoded one (<see cref="NodeId"/> compares by value); only the allocation is saved.
/// Safe on any thread without a lock: the table is replaced, never changed in place.
/// </summary>
internal static class OriginIds
{
    /// <summary>
    /// Ids beyond this many are decoded afresh every time: the table stays small enough to scan,
    /// and a stream naming ever new origins cannot make it grow without end.
    /// </summary>
    public const int CountMax = 64;

    private static NodeId[] _known = [];

    /// <summary>The id whose ASCII bytes these are; an invalid name throws <see cref="CorruptDataException"/>.</summary>
    public static NodeId Decode(ReadOnlySpan<byte> ascii)
    {
        var known = Volatile.Read(ref _known);
        foreach (var id in known)
        {
            if (Ascii.Equals(ascii, id.Value))
            {
                return id;
            }
        }
        NodeId fresh;
        try
        {
            // Non-ASCII bytes decode as '?', which NodeId refuses.
            fresh = new NodeId(System.Text.Encoding.ASCII.GetString(ascii));
        }
        catch (ArgumentException e)
        {
            throw new CorruptDataException($"bad origin node id: {e.Message}");
        }
        if (known.Length < CountMax)
        {
            // Losing a race to another thread only means this id is remembered on a later call.
            Interlocked.CompareExchange(ref _known, [.. known, fresh], known);
        }
        return fresh;
    }
}
