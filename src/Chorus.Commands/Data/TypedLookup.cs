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
    /// Classifies a live value (null when absent or expired, as <c>GetLive</c> returns it);
    /// <paramref name="value"/> is its parsed form when the status is <see cref="LookupStatus.Found"/>.
    /// </summary>
    public static LookupStatus Find(byte[]? live, DataType type, out StoredValue value)
    {
        if (live is null)
        {
            value = default;
            return LookupStatus.Absent;
        }
        value = StoredValue.Parse(live);
        return value.Type == type ? LookupStatus.Found : LookupStatus.WrongType;
    }
}
