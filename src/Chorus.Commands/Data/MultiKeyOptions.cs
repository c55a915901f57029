using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Execution;
using Chorus.Resp;

namespace Chorus.Commands.Data;

/// <summary>The numkeys argument and the COUNT option of LMPOP and ZMPOP, with Redis's errors.</summary>
internal static class MultiKeyOptions
{
    /// <summary>numkeys at <paramref name="index"/>: positive, and no more keys than arguments follow.</summary>
    public static bool TryParseKeys(RespCommand command, int index, RespWriter reply, out int keys)
    {
        keys = 0;
        if (!IntegerText.TryParse(command[index], out var count) || count <= 0)
        {
            reply.WriteError("ERR numkeys should be greater than 0");
            return false;
        }
        if (count > command.ArgumentCount - index - 1)
        {
            reply.WriteError(Errors.Syntax);
            return false;
        }
        keys = (int)count;
        return true;
    }

    /// <summary>An optional COUNT count from <paramref name="index"/> to the end (default 1).</summary>
    public static bool TryParseCount(RespCommand command, int index, RespWriter reply, out long count)
    {
        count = 1;
        if (index == command.ArgumentCount)
        {
            return true;
        }
        if (index + 2 != command.ArgumentCount || !command.ArgumentIs(index, "COUNT"u8))
        {
            reply.WriteError(Errors.Syntax);
            return false;
        }
        if (!IntegerText.TryParse(command[index + 1], out count) || count <= 0)
        {
            reply.WriteError("ERR count should be greater than 0");
            return false;
        }
        return true;
    }
}
