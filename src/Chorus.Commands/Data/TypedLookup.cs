using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data;

/// <summary>What a command finds under a key, judged against the type it works on.</summary>
internal enum LookupStatus
{
    /// <summary>No key, or a logically expired one (Redis semantics: the same thing).</summary>
    Absent,
    Found,
    WrongType,
}

/// <summary>What a command replies when its key is absent (and it has nothing else to do).</summary>
internal enum AbsentReply
{
    Zero,
    Nil,
    EmptyArray,
    Ok,
}

internal static class TypedLookup
{
    /// <summary>
    /// True when the key holds a live value of <paramref name="type"/>; otherwise writes WRONGTYPE,
    /// or <paramref name="absent"/>'s reply when there is no live key, and returns false.
    /// </summary>
    public static bool TryFind(byte[]? live, DataType type, RespWriter reply, AbsentReply absent, out KeyRecord record)
    {
        switch (Find(live, type, out record))
        {
            case LookupStatus.Found:
                return true;
            case LookupStatus.WrongType:
                reply.WriteError(Errors.WrongType);
                return false;
        }
        switch (absent)
        {
            case AbsentReply.Zero:
                reply.WriteInteger(0);
                break;
            case AbsentReply.Nil:
                reply.WriteNull();
                break;
            case AbsentReply.EmptyArray:
                reply.WriteArrayHeader(0);
                break;
            default:
                reply.WriteOk();
                break;
        }
        return false;
    }

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
