using Chorus.Resp;

namespace Chorus.Commands.Data.Strings;

/// <summary>SET's and GETEX's options, parsed with Redis's rules (parseExtendedStringArgumentsOrReply).</summary>
internal struct SetOptions
{
    [Flags]
    private enum Option
    {
        None = 0,
        Nx = 1 << 0,
        Xx = 1 << 1,
        Get = 1 << 2,
        KeepTtl = 1 << 3,
        Ex = 1 << 4,
        Px = 1 << 5,
        ExAt = 1 << 6,
        PxAt = 1 << 7,
        Persist = 1 << 8,
        AnyExpiry = Ex | Px | ExAt | PxAt,
    }

    private Option _options;
    private int _expiryArgument;

    public readonly bool Nx => Has(Option.Nx);

    public readonly bool Xx => Has(Option.Xx);

    public readonly bool Get => Has(Option.Get);

    public readonly bool KeepTtl => Has(Option.KeepTtl);

    public readonly bool Persist => Has(Option.Persist);

    public readonly bool HasExpiry => (_options & Option.AnyExpiry) != 0;

    /// <summary>
    /// Parses the options after key and value. As in Redis, a repeated option is accepted,
    /// conflicting ones (NX with XX, two expiry forms, KEEPTTL with an expiry) and an expiry
    /// without its argument are syntax errors.
    /// </summary>
    public static bool TryParseSet(RespCommand command, out SetOptions options) => TryParse(command, 3, forGetEx: false, out options);

    /// <summary>GETEX's options: one expiry form or PERSIST.</summary>
    public static bool TryParseGetEx(RespCommand command, out SetOptions options) => TryParse(command, 2, forGetEx: true, out options);

    private static bool TryParse(RespCommand command, int first, bool forGetEx, out SetOptions options)
    {
        options = default;
        for (var i = first; i < command.ArgumentCount; i++)
        {
            var hasNext = i + 1 < command.ArgumentCount;
            var parsed = forGetEx ? options.TryAddGetEx(command, i, hasNext) : options.TryAddSet(command, i, hasNext);
            if (parsed == 0)
            {
                return false;
            }
            i += parsed - 1;
        }
        return true;
    }

    /// <summary>The absolute expiry the options ask for; see <see cref="ExpiryArgument"/>.</summary>
    public readonly bool TryResolveExpiry(RespCommand command, long nowMs, string name, out long expiresAtMs, out string error) =>
        ExpiryArgument.TryResolve(
            command[_expiryArgument], seconds: Has(Option.Ex) || Has(Option.ExAt), relative: Has(Option.Ex) || Has(Option.Px),
            nowMs, name, out expiresAtMs, out error);

    /// <summary>Whether the expiry is an absolute time (EXAT, PXAT), which may already be past.</summary>
    public readonly bool IsAbsoluteExpiry => Has(Option.ExAt) || Has(Option.PxAt);

    private readonly bool Has(Option option) => (_options & option) != 0;

    /// <summary>Consumes the SET option at <paramref name="i"/>; returns how many arguments it took (0 = syntax error).</summary>
    private int TryAddSet(RespCommand command, int i, bool hasNext)
    {
        if (command.ArgumentIs(i, "NX"u8) && !Has(Option.Xx))
        {
            return Add(Option.Nx);
        }
        if (command.ArgumentIs(i, "XX"u8) && !Has(Option.Nx))
        {
            return Add(Option.Xx);
        }
        if (command.ArgumentIs(i, "GET"u8))
        {
            return Add(Option.Get);
        }
        return command.ArgumentIs(i, "KEEPTTL"u8) && !HasExpiry ? Add(Option.KeepTtl) : TryAddExpiry(command, i, hasNext);
    }

    private int TryAddGetEx(RespCommand command, int i, bool hasNext) =>
        command.ArgumentIs(i, "PERSIST"u8) && !HasExpiry ? Add(Option.Persist) : TryAddExpiry(command, i, hasNext);

    /// <summary>One expiry form with its argument; the same form may repeat (the last one wins), as in Redis.</summary>
    private int TryAddExpiry(RespCommand command, int i, bool hasNext)
    {
        var expiry = ExpiryOption(command, i);
        if (expiry == Option.None || !hasNext || Has(Option.KeepTtl) || Has(Option.Persist) || (_options & Option.AnyExpiry & ~expiry) != 0)
        {
            return 0;
        }
        _expiryArgument = i + 1;
        Add(expiry);
        return 2;
    }

    private int Add(Option option)
    {
        _options |= option;
        return 1;
    }

    private static Option ExpiryOption(RespCommand command, int i) =>
        command.ArgumentIs(i, "EX"u8) ? Option.Ex :
        command.ArgumentIs(i, "PX"u8) ? Option.Px :
        command.ArgumentIs(i, "EXAT"u8) ? Option.ExAt :
        command.ArgumentIs(i, "PXAT"u8) ? Option.PxAt :
        Option.None;
}
