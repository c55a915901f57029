using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Chorus.Commands.Data.Keys;
using Chorus.Commands.Execution;

namespace Chorus.Server.Security;

/// <summary>
/// One ACL user, Redis's model: on/off, passwords kept as SHA-256 hashes (or nopass), command
/// rules applied in order (+@all, -@dangerous, +get, -config|set ...), and key patterns (~app:*
/// for any access, %R~ to read, %W~ to write). Immutable: ACL SETUSER builds a new one.
/// </summary>
public sealed record AclUser(string Name)
{
    public bool Enabled { get; init; }

    public bool NoPass { get; init; }

    /// <summary>Lowercase hex SHA-256 of each password, as Redis stores and shows them.</summary>
    public IReadOnlyList<string> PasswordHashes { get; init; } = [];

    /// <summary>The command rules in the order given (normalised to lowercase).</summary>
    public IReadOnlyList<string> CommandRules { get; init; } = [];

    public IReadOnlyList<KeyPattern> KeyPatterns { get; init; } = [];

    /// <summary>Channel rules, kept for ACL GETUSER/LIST round trips; Chorus has no pub/sub.</summary>
    public IReadOnlyList<string> ChannelRules { get; init; } = [];

    // Decisions per "command" or "command|subcommand", computed once per user version.
    private readonly ConcurrentDictionary<string, bool> _decisions = new(StringComparer.Ordinal);

    /// <summary>`with` makes a new version of the user: it starts without the old one's decisions.</summary>
    private AclUser(AclUser original)
    {
        _decisions = new(StringComparer.Ordinal);
        Name = original.Name;
        Enabled = original.Enabled;
        NoPass = original.NoPass;
        PasswordHashes = original.PasswordHashes;
        CommandRules = original.CommandRules;
        KeyPatterns = original.KeyPatterns;
        ChannelRules = original.ChannelRules;
    }

    /// <summary>The default user as Redis starts it: on, nopass, every key, channel and command.</summary>
    public static AclUser NewDefault() => new("default")
    {
        Enabled = true,
        NoPass = true,
        CommandRules = ["+@all"],
        KeyPatterns = [KeyPattern.Parse("~*")],
        ChannelRules = ["&*"],
    };

    /// <summary>True when every command and key is allowed: the check costs nothing.</summary>
    public bool AllowsEverything => CommandRules is ["+@all"] && KeyPatterns is [{ Pattern: "*", Read: true, Write: true }];

    public static string Hash(string password) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(password)));

    public bool PasswordMatches(string password)
    {
        if (NoPass)
        {
            return true;
        }
        var hash = Encoding.ASCII.GetBytes(Hash(password));
        return PasswordHashes.Any(h => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(h), hash));
    }

    /// <summary>Whether the rules allow <paramref name="spec"/> (with its first argument, for commands with subcommands).</summary>
    public bool MayRun(CommandSpec spec, string? subcommand)
    {
        var key = subcommand is null ? spec.Name : spec.Name + "|" + subcommand;
        return _decisions.GetOrAdd(key, _ => Decide(spec, subcommand));
    }

    private bool Decide(CommandSpec spec, string? subcommand)
    {
        var name = spec.Name.ToLowerInvariant();
        var categories = CommandCategories.Of(spec, subcommand);
        var allowed = false;
        foreach (var rule in CommandRules)
        {
            var add = rule[0] == '+';
            var target = rule[1..];
            if (target == "@all"
                || (target[0] == '@' && categories.Contains(target[1..]))
                || target == name
                || (subcommand is not null && target == name + "|" + subcommand))
            {
                allowed = add;
            }
        }
        return allowed;
    }

    /// <summary>Whether the key patterns allow reading (or writing) <paramref name="key"/>.</summary>
    public bool MayAccess(ReadOnlySpan<byte> key, bool write)
    {
        foreach (var pattern in KeyPatterns)
        {
            if ((write ? pattern.Write : pattern.Read) && GlobPattern.IsMatch(pattern.Bytes, key))
            {
                return true;
            }
        }
        return false;
    }
}

/// <summary>A key pattern and the access it grants: ~p (both), %R~p, %W~p, %RW~p.</summary>
public sealed record KeyPattern(string Pattern, bool Read, bool Write)
{
    public byte[] Bytes { get; } = Encoding.UTF8.GetBytes(Pattern);

    public static KeyPattern Parse(string rule) => rule switch
    {
        _ when rule.StartsWith('~') => new KeyPattern(rule[1..], true, true),
        _ when rule.StartsWith("%RW~", StringComparison.OrdinalIgnoreCase) || rule.StartsWith("%WR~", StringComparison.OrdinalIgnoreCase) => new KeyPattern(rule[4..], true, true),
        _ when rule.StartsWith("%R~", StringComparison.OrdinalIgnoreCase) => new KeyPattern(rule[3..], true, false),
        _ when rule.StartsWith("%W~", StringComparison.OrdinalIgnoreCase) => new KeyPattern(rule[3..], false, true),
        _ => throw new FormatException("Syntax error"),
    };

    public override string ToString() => Read && Write ? "~" + Pattern : (Read ? "%R~" : "%W~") + Pattern;
}
