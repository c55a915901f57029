using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Chorus.Commands.Execution;
using Chorus.Resp;
using Chorus.Server.Security;

namespace Chorus.Server.Commands;

/// <summary>
/// ACL SETUSER | GETUSER | DELUSER | LIST | USERS | WHOAMI | CAT | LOG | SAVE | LOAD | GENPASS |
/// DRYRUN, in Redis 7.0's shapes and wording. Users live on this node (as in Redis); ACL SAVE and
/// LOAD use the aclfile.
/// </summary>
internal static class AclCommand
{
    public static ServerCommand Command { get; } =
        new(new CommandSpec("ACL", -2, CommandFlags.Admin | CommandFlags.NoScript | CommandFlags.Loading | CommandFlags.Stale, 0, 0, 0), Execute);

    private const string NoAclFile = "ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.";

    private static ValueTask Execute(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        var access = context.Node.Access;
        var sub = Text(command[1]).ToUpperInvariant();
        var args = Enumerable.Range(2, command.ArgumentCount - 2).Select(i => Text(command[i])).ToArray();
        try
        {
            switch (sub)
            {
                case "SETUSER" when args.Length >= 1:
                    access.SetUser(args[0], args[1..]);
                    reply.WriteOk();
                    break;
                case "GETUSER" when args.Length == 1:
                    GetUser(access.Find(args[0]), reply);
                    break;
                case "DELUSER" when args.Length >= 1:
                    reply.WriteInteger(access.DeleteUsers(args));
                    break;
                case "LIST" when args.Length == 0:
                    WriteStrings(reply, access.Users.Select(AclRules.Describe));
                    break;
                case "USERS" when args.Length == 0:
                    WriteStrings(reply, access.Users.Select(u => u.Name));
                    break;
                case "WHOAMI" when args.Length == 0:
                    reply.WriteBulkString(context.Session.User?.Name ?? "default");
                    break;
                case "CAT" when args.Length <= 1:
                    Categories(context, args, reply);
                    break;
                case "LOG" when args.Length <= 1:
                    Log(access.Log, args, reply);
                    break;
                case "SAVE" or "LOAD" when args.Length == 0:
                    SaveOrLoad(context, sub, reply);
                    break;
                case "GENPASS" when args.Length <= 1:
                    GenPass(args, reply);
                    break;
                case "DRYRUN" when args.Length >= 2:
                    DryRun(context, args, reply);
                    break;
                default:
                    reply.WriteError($"ERR unknown subcommand or wrong number of arguments for '{Text(command[1])}'. Try ACL HELP.");
                    break;
            }
        }
        catch (AclException e)
        {
            reply.WriteError("ERR " + e.Message);
        }
        return ValueTask.CompletedTask;
    }

    private static void GetUser(AclUser? user, RespWriter reply)
    {
        if (user is null)
        {
            reply.WriteNull();
            return;
        }
        var flags = new List<string> { user.Enabled ? "on" : "off" };
        if (user.NoPass)
        {
            flags.Add("nopass");
        }
        var described = AclRules.Describe(user).Split(' ');
        reply.WriteMapHeader(6);
        reply.WriteBulkString("flags");
        WriteStrings(reply, flags);
        reply.WriteBulkString("passwords");
        WriteStrings(reply, user.PasswordHashes);
        reply.WriteBulkString("commands");
        reply.WriteBulkString(string.Join(' ', described.Where(w => w[0] is '+' or '-')));
        reply.WriteBulkString("keys");
        reply.WriteBulkString(string.Join(' ', user.KeyPatterns));
        reply.WriteBulkString("channels");
        reply.WriteBulkString(string.Join(' ', user.ChannelRules));
        reply.WriteBulkString("selectors");
        reply.WriteArrayHeader(0);
    }

    private static void Categories(ServerCommandContext context, string[] args, RespWriter reply)
    {
        if (args.Length == 0)
        {
            WriteStrings(reply, CommandCategories.All);
            return;
        }
        var category = args[0].ToLowerInvariant();
        if (!CommandCategories.All.Contains(category))
        {
            reply.WriteError($"ERR Unknown category '{args[0]}'");
            return;
        }
        WriteStrings(reply, context.Node.Commands.All.Where(c => CommandCategories.Of(c).Contains(category)).Select(c => c.Name.ToLowerInvariant()).Order(StringComparer.Ordinal));
    }

    private static void Log(AclLog log, string[] args, RespWriter reply)
    {
        if (args.Length == 1 && args[0].Equals("RESET", StringComparison.OrdinalIgnoreCase))
        {
            log.Reset();
            reply.WriteOk();
            return;
        }
        if (args.Length == 1 && (!int.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            reply.WriteError("ERR value is out of range, must be positive");
            return;
        }
        var entries = log.Latest(args.Length == 1 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10);
        var now = Environment.TickCount64;
        reply.WriteArrayHeader(entries.Count);
        foreach (var entry in entries)
        {
            reply.WriteMapHeader(7);
            reply.WriteBulkString("count");
            reply.WriteInteger(entry.Count);
            reply.WriteBulkString("reason");
            reply.WriteBulkString(entry.Reason);
            reply.WriteBulkString("context");
            reply.WriteBulkString("toplevel");
            reply.WriteBulkString("object");
            reply.WriteBulkString(entry.Object);
            reply.WriteBulkString("username");
            reply.WriteBulkString(entry.Username);
            reply.WriteBulkString("age-seconds");
            reply.WriteDouble((now - entry.CreatedAtMs) / 1000.0);
            reply.WriteBulkString("client-info");
            reply.WriteBulkString(entry.ClientInfo);
        }
    }

    private static void SaveOrLoad(ServerCommandContext context, string sub, RespWriter reply)
    {
        var path = context.Node.Options.AclFile;
        if (string.IsNullOrEmpty(path))
        {
            reply.WriteError(NoAclFile);
            return;
        }
        try
        {
            if (sub == "SAVE")
            {
                AclFile.Save(context.Node.Access, path);
            }
            else
            {
                AclFile.Load(context.Node.Access, path);
            }
            reply.WriteOk();
        }
        catch (IOException e)
        {
            reply.WriteError($"ERR There was an error trying to {(sub == "SAVE" ? "save" : "load")} the ACLs. Please check the server logs for more information ({e.Message})");
        }
    }

    /// <summary>Redis's ACL GENPASS: 256 random bits (or the bits asked for) as hex.</summary>
    private static void GenPass(string[] args, RespWriter reply)
    {
        var bits = 256;
        if (args.Length == 1 && (!int.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out bits) || bits is <= 0 or > 4096))
        {
            reply.WriteError("ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096");
            return;
        }
        var chars = (bits + 3) / 4;
        reply.WriteBulkString(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes((chars + 1) / 2))[..chars]);
    }

    private static void DryRun(ServerCommandContext context, string[] args, RespWriter reply)
    {
        var access = context.Node.Access;
        if (access.Find(args[0]) is not { } user)
        {
            reply.WriteError($"ERR User '{args[0]}' not found");
            return;
        }
        if (!context.Node.Commands.TryGet(args[1], out var spec))
        {
            reply.WriteError($"ERR Command '{args[1]}' not found");
            return;
        }
        using var batch = new RequestBatch();
        batch.Add(args[1..]);
        // Redis phrases a dry run's denial as a sentence, not an error.
        switch (access.Check(user, spec, batch[0], log: false))
        {
            case null:
                reply.WriteOk();
                break;
            case { Reason: "command" } denial:
                reply.WriteBulkString($"This user has no permissions to run the '{denial.Object}' command");
                break;
            case var denial:
                reply.WriteBulkString($"This user has no permissions to access the '{denial.Object}' key");
                break;
        }
    }

    private static void WriteStrings(RespWriter reply, IEnumerable<string> items)
    {
        var list = items.ToList();
        reply.WriteArrayHeader(list.Count);
        foreach (var item in list)
        {
            reply.WriteBulkString(item);
        }
    }

    private static string Text(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
}
