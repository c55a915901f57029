using Chorus.Commands.Execution;
using Chorus.Resp;

namespace Chorus.Commands.Data.Keys;

/// <summary>The NX | XX | GT | LT options of the EXPIRE family (Redis 7), as flags.</summary>
[Flags]
internal enum ExpireOptions
{
    None = 0,

    /// <summary>Only when the key has no expiry.</summary>
    Nx = 1 << 0,

    /// <summary>Only when the key has an expiry.</summary>
    Xx = 1 << 1,

    /// <summary>Only when the new expiry is later (no expiry counts as infinitely late).</summary>
    Gt = 1 << 2,

    /// <summary>Only when the new expiry is earlier (no expiry counts as infinitely late).</summary>
    Lt = 1 << 3,
}

internal static class ExpireOptionParser
{
    /// <summary>Parses the options after key and time; null after writing Redis's error.</summary>
    public static ExpireOptions? Parse(RespCommand command, RespWriter reply)
    {
        var options = ExpireOptions.None;
        for (var i = 3; i < command.ArgumentCount; i++)
        {
            var option = OptionAt(command, i);
            if (option == ExpireOptions.None)
            {
                reply.WriteError(Errors.UnsupportedOption(command[i]));
                return null;
            }
            options |= option;
        }
        if ((options & ExpireOptions.Nx) != 0 && (options & ~ExpireOptions.Nx) != 0)
        {
            reply.WriteError(Errors.ExpireNxNotCompatible);
            return null;
        }
        if ((options & (ExpireOptions.Gt | ExpireOptions.Lt)) == (ExpireOptions.Gt | ExpireOptions.Lt))
        {
            reply.WriteError(Errors.ExpireGtLtNotCompatible);
            return null;
        }
        return options;
    }

    /// <summary>
    /// Whether the options allow replacing <paramref name="currentMs"/> (0 = none) with
    /// <paramref name="newMs"/>, in Redis's order of checks.
    /// </summary>
    public static bool Allows(ExpireOptions options, long currentMs, long newMs)
    {
        var hasExpiry = currentMs != 0;
        return !((options.HasFlag(ExpireOptions.Nx) && hasExpiry) ||
            (options.HasFlag(ExpireOptions.Xx) && !hasExpiry) ||
            (options.HasFlag(ExpireOptions.Gt) && (!hasExpiry || newMs <= currentMs)) ||
            (options.HasFlag(ExpireOptions.Lt) && hasExpiry && newMs >= currentMs));
    }

    private static ExpireOptions OptionAt(RespCommand command, int i) =>
        command.ArgumentIs(i, "NX"u8) ? ExpireOptions.Nx :
        command.ArgumentIs(i, "XX"u8) ? ExpireOptions.Xx :
        command.ArgumentIs(i, "GT"u8) ? ExpireOptions.Gt :
        command.ArgumentIs(i, "LT"u8) ? ExpireOptions.Lt :
        ExpireOptions.None;
}
