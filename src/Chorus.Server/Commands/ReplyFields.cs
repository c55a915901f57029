using Chorus.Resp;

namespace Chorus.Server.Commands;

/// <summary>Writes one name/value pair of a map reply (CHORUS.LAG, CHORUS.SITES, CHORUS.CONFLICTS).</summary>
internal static class ReplyFields
{
    public static void Field(RespWriter reply, string name, string value)
    {
        reply.WriteBulkString(name);
        reply.WriteBulkString(value);
    }

    public static void Field(RespWriter reply, string name, long value)
    {
        reply.WriteBulkString(name);
        reply.WriteInteger(value);
    }
}
