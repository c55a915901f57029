using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Hashes;

/// <summary>
/// HLEN key (number of fields), HEXISTS key field (0 or 1) and HSTRLEN key field (length of the
/// value): all 0 when the key or field is absent.
/// </summary>
internal static class HLenCommand
{
    private const CommandFlags Flags = CommandFlags.ReadOnly | CommandFlags.Fast;

    public static readonly CommandSpec HLenSpec = new("HLEN", 2, Flags, 1, 1, 1, Read: (c, cmd, r) => Execute(c, cmd, r, Measure.Count));

    public static readonly CommandSpec HExistsSpec = new("HEXISTS", 3, Flags, 1, 1, 1, Read: (c, cmd, r) => Execute(c, cmd, r, Measure.Exists));

    public static readonly CommandSpec HStrLenSpec = new("HSTRLEN", 3, Flags, 1, 1, 1, Read: (c, cmd, r) => Execute(c, cmd, r, Measure.ValueLength));

    private enum Measure
    {
        Count,
        Exists,
        ValueLength,
    }

    private static void Execute(ReadContext context, RespCommand command, RespWriter reply, Measure measure)
    {
        switch (TypedLookup.Find(context.GetLive(command[1]), DataType.Hash, out var hash))
        {
            case LookupStatus.WrongType:
                reply.WriteError(Errors.WrongType);
                return;
            case LookupStatus.Absent:
                reply.WriteInteger(0);
                return;
        }
        if (measure == Measure.Count)
        {
            reply.WriteInteger(hash.Count);
            return;
        }
        var value = ElementReads.GetNamed(context, hash.CollectionId, command[2]);
        reply.WriteInteger(measure == Measure.Exists ? (value is null ? 0 : 1) : value?.Length ?? 0);
    }
}
