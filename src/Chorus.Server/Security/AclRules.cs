using System.Text.RegularExpressions;

namespace Chorus.Server.Security;

/// <summary>
/// ACL SETUSER's rules, applied one at a time as Redis applies them: on, off, nopass, resetpass,
/// &gt;password, &lt;password, #hash, !hash, ~pattern, %R~pattern, %W~pattern, allkeys, resetkeys,
/// &amp;pattern, allchannels, resetchannels, +command, -command, +command|sub, +@category,
/// -@category, allcommands, nocommands, reset.
/// </summary>
public static partial class AclRules
{
    /// <summary>Applies <paramref name="rule"/>; throws <see cref="FormatException"/> with Redis's reason.</summary>
    public static AclUser Apply(AclUser user, string rule, IReadOnlySet<string> commandNames)
    {
        var lower = rule.ToLowerInvariant();
        switch (lower)
        {
            case "on": return user with { Enabled = true };
            case "off": return user with { Enabled = false };
            case "nopass": return user with { NoPass = true, PasswordHashes = [] };
            case "resetpass": return user with { NoPass = false, PasswordHashes = [] };
            case "allkeys": return user with { KeyPatterns = [KeyPattern.Parse("~*")] };
            case "resetkeys": return user with { KeyPatterns = [] };
            case "allchannels": return user with { ChannelRules = ["&*"] };
            case "resetchannels": return user with { ChannelRules = [] };
            case "allcommands": return WithCommandRule(user, "+@all");
            case "nocommands": return WithCommandRule(user, "-@all");
            case "reset":
                return new AclUser(user.Name) { ChannelRules = [], CommandRules = ["-@all"] };
        }
        switch (rule[0])
        {
            case '>':
                return AddHash(user, AclUser.Hash(rule[1..]));
            case '<':
                return user with { PasswordHashes = Without(user, AclUser.Hash(rule[1..])) };
            case '#':
                return IsHash(rule[1..]) ? AddHash(user, rule[1..].ToLowerInvariant()) : throw new FormatException("The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters");
            case '!':
                return IsHash(rule[1..]) ? user with { PasswordHashes = Without(user, rule[1..].ToLowerInvariant()) } : throw new FormatException("The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters");
            case '~':
            case '%':
                var pattern = KeyPattern.Parse(rule);
                return user.KeyPatterns.Any(p => p.Pattern == "*" && p.Read && p.Write) && pattern.Pattern != "*"
                    ? throw new FormatException("Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns")
                    : user with { KeyPatterns = [.. user.KeyPatterns, pattern] };
            case '&':
                return user with { ChannelRules = [.. user.ChannelRules, rule] };
            case '+':
            case '-':
                return WithCommandRule(user, CheckCommandRule(lower, commandNames));
        }
        throw new FormatException("Syntax error");
    }

    private static string CheckCommandRule(string rule, IReadOnlySet<string> commandNames)
    {
        var target = rule[1..];
        if (target.StartsWith('@'))
        {
            return target == "@all" || CommandCategories.All.Contains(target[1..]) ? rule : throw new FormatException("Unknown command or category name in ACL");
        }
        var command = target.Split('|')[0];
        return commandNames.Contains(command) ? rule : throw new FormatException("Unknown command or category name in ACL");
    }

    /// <summary>+@all/-@all start over (earlier rules no longer matter); anything else is added in order.</summary>
    private static AclUser WithCommandRule(AclUser user, string rule) =>
        user with { CommandRules = rule is "+@all" or "-@all" ? [rule] : [.. user.CommandRules, rule] };

    private static AclUser AddHash(AclUser user, string hash) =>
        user with { NoPass = false, PasswordHashes = user.PasswordHashes.Contains(hash) ? user.PasswordHashes : [.. user.PasswordHashes, hash] };

    private static string[] Without(AclUser user, string hash) =>
        user.PasswordHashes.Contains(hash) ? [.. user.PasswordHashes.Where(h => h != hash)] : throw new FormatException("no such password hash");

    private static bool IsHash(string text) => Sha256Hex().IsMatch(text);

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Hex();

    /// <summary>The user as ACL LIST and the ACL file write it: "user alice on #… ~app:* resetchannels -@all +@read".</summary>
    public static string Describe(AclUser user)
    {
        var parts = new List<string> { "user", user.Name, user.Enabled ? "on" : "off" };
        if (user.NoPass)
        {
            parts.Add("nopass");
        }
        parts.AddRange(user.PasswordHashes.Select(h => "#" + h));
        parts.AddRange(user.KeyPatterns.Select(p => p.ToString()));
        parts.AddRange(user.ChannelRules.Count == 0 ? ["resetchannels"] : user.ChannelRules);
        parts.AddRange(user.CommandRules is ["+@all"] or ["-@all"] ? user.CommandRules : user.CommandRules[0] is "+@all" or "-@all" ? user.CommandRules : ["-@all", .. user.CommandRules]);
        return string.Join(' ', parts);
    }
}
