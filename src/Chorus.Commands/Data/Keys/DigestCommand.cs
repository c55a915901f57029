using Chorus.Commands.Execution;
using Chorus.Commands.Keyspace;
using Chorus.Resp;

namespace Chorus.Commands.Data.Keys;

/// <summary>
/// CHORUS.DIGEST — [digest, key count] of this replica's keyspace (keys, values and expiries,
/// independent of field and member order), so replicas can be compared for divergence.
/// </summary>
internal static class DigestCommand
{
    public static readonly CommandSpec Spec = new("CHORUS.DIGEST", 1, CommandFlags.ReadOnly, 0, 0, 0, Read: Execute);

    private static void Execute(ReadContext context, RespCommand command, RespWriter reply)
    {
        var digest = KeyspaceDigest.Compute(context.Storage);
        reply.WriteArrayHeader(2);
        reply.WriteBulkString(digest.Digest);
        reply.WriteInteger(digest.Keys);
    }
}
