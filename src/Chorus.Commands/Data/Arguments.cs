using Chorus.Resp;

namespace Chorus.Commands.Data;

/// <summary>Arguments of a command as arrays (what row changes keep).</summary>
internal static class Arguments
{
    /// <summary>Arguments <paramref name="first"/> to the end.</summary>
    public static byte[][] From(RespCommand command, int first)
    {
        var arguments = new byte[Math.Max(0, command.ArgumentCount - first)][];
        for (var i = 0; i < arguments.Length; i++)
        {
            arguments[i] = command[first + i].ToArray();
        }
        return arguments;
    }
}
