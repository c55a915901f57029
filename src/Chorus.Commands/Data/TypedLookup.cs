using Chorus.Commands.Values;

namespace Chorus.Commands.Data;

/// <summary>What a command finds under a key, judged against the type it works on.</summary>
internal enum LookupStatus
{
    /// <summary>No key, or a logically expired one (Redis semantics: the same thing).</summary>
    Absent,
    Found,
    WrongType,
}

internal static class TypedLookup
{
    /// <summary>
    /// Classifies a live record (null when absent or expired, as <c>GetLive</c> returns it);
    /// <paramref name="record"/> is its parsed form when the status is <see cref="LookupStatus.Found"/>.
    /// </summary>
    public static LookupStatus Find(byte[]? live, DataType type, out KeyRecord record)
    {
        if (live is null)
        {
            record = default;
            return LookupStatus.Absent;
        }
        record = KeyRecord.Parse(live);
        return record.Type == type ? LookupStatus.Found : LookupStatus.WrongType;
    }
}
