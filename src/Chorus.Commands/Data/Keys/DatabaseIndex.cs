using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Keyspace;
using Chorus.Resp;

namespace Chorus.Commands.Data.Keys;

/// <summary>A database argument (SELECT, MOVE, COPY ... DB): a C int, as Redis reads it, then one of 0–15.</summary>
public static class DatabaseIndex
{
    public const string OutOfRange = "ERR DB index is out of range";

    public static bool TryParse(ReadOnlySpan<byte> text, RespWriter reply, out int db)
    {
        if (!IntArgument.TryParse(text, reply, out db))
        {
            return false;
        }
        if (!PhysicalDb.IsValidLogical(db))
        {
            reply.WriteError(OutOfRange);
            return false;
        }
        return true;
    }
}
