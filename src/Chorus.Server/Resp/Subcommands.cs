using System.Collections.Frozen;
using System.Text;
using Chorus.Commands.Execution;
using Chorus.Resp;

namespace Chorus.Server.Resp;

/// <summary>
/// Redis 7.0's subcommand table for the container commands Chorus has: Redis looks a subcommand
/// up, and checks its arity, before it runs or queues the command, so inside MULTI an unknown
/// subcommand or a wrong argument count is refused at once (and dooms the transaction).
/// Outside MULTI each handler gives the same errors itself.
/// </summary>
internal static class Subcommands
{
    private static readonly FrozenDictionary<string, FrozenDictionary<string, int>> Arities = new Dictionary<string, FrozenDictionary<string, int>>
    {
        ["CONFIG"] = Table("GET -3", "SET -4", "RESETSTAT 2", "REWRITE 2", "HELP 2"),
        ["OBJECT"] = Table("ENCODING 3", "FREQ 3", "IDLETIME 3", "REFCOUNT 3", "HELP 2"),
        ["COMMAND"] = Table("COUNT 2", "DOCS -2", "GETKEYS -4", "GETKEYSANDFLAGS -4", "INFO -2", "LIST -2", "HELP 2"),
        ["CLIENT"] = Table("CACHING 3", "GETNAME 2", "GETREDIR 2", "ID 2", "INFO 2", "KILL -3", "LIST -2", "NO-EVICT 3", "PAUSE -3", "REPLY 3",
            "SETNAME 3", "TRACKING -3", "TRACKINGINFO 2", "UNBLOCK -3", "UNPAUSE 2", "HELP 2"),
        ["ACL"] = Table("CAT -2", "DELUSER -3", "DRYRUN -4", "GENPASS -2", "GETUSER 3", "LIST 2", "LOAD 2", "LOG -2", "SAVE 2", "SETUSER -3",
            "USERS 2", "WHOAMI 2", "HELP 2"),
        ["XGROUP"] = Table("CREATE -5", "SETID -5", "DESTROY 4", "CREATECONSUMER 5", "DELCONSUMER 5", "HELP 2"),
        ["XINFO"] = Table("CONSUMERS 4", "GROUPS 3", "STREAM -3", "HELP 2"),
        ["FUNCTION"] = Table("DELETE 3", "DUMP 2", "FLUSH -2", "HELP 2", "KILL 2", "LIST -2", "LOAD -3", "RESTORE -3", "STATS 2"),
        ["PUBSUB"] = Table("CHANNELS -2", "NUMPAT 2", "NUMSUB -2", "SHARDCHANNELS -2", "SHARDNUMSUB -2", "HELP 2"),
    }.ToFrozenDictionary();

    /// <summary>Redis's refusal of <paramref name="command"/>'s subcommand, or null if it is known and has a valid argument count.</summary>
    public static string? Refusal(CommandSpec spec, RespCommand command)
    {
        if (!Arities.TryGetValue(spec.Name, out var subcommands) || command.ArgumentCount < 2)
        {
            return null;
        }
        var name = Encoding.UTF8.GetString(command[1]);
        if (!subcommands.TryGetValue(name, out var arity))
        {
            var shown = name.Length > 128 ? name[..128] : name;
            return $"ERR unknown subcommand '{shown}'. Try {spec.Name} HELP.";
        }
        var accepted = arity >= 0 ? command.ArgumentCount == arity : command.ArgumentCount >= -arity;
        return accepted ? null : Errors.WrongArgumentCount($"{spec.Name}|{name}");
    }

    /// <summary>Redis's full name of the command: <c>config|set</c> for a known subcommand, else the command's.</summary>
    public static string FullName(CommandSpec spec, RespCommand command)
    {
        if (command.ArgumentCount < 2 || !Arities.TryGetValue(spec.Name, out var subcommands))
        {
            return spec.Name;
        }
        var name = Encoding.UTF8.GetString(command[1]);
        return subcommands.ContainsKey(name) ? $"{spec.Name}|{name}" : spec.Name;
    }

    private static FrozenDictionary<string, int> Table(params string[] rows) =>
        rows.Select(r => r.Split(' ')).ToFrozenDictionary(p => p[0], p => int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture), StringComparer.OrdinalIgnoreCase);
}
