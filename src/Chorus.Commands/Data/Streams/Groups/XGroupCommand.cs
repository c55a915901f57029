using System.Text;
using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Streams.Groups;

/// <summary>
/// XGROUP CREATE key group id|$ [MKSTREAM] [ENTRIESREAD n] | SETID key group id|$ [ENTRIESREAD n] |
/// DESTROY key group | CREATECONSUMER key group consumer | DELCONSUMER key group consumer | HELP
/// (Redis 7.0's xgroupCommand: options first, then the key, then the group).
/// </summary>
internal static class XGroupCommand
{
    public static readonly CommandSpec Spec = new("XGROUP", -2, CommandFlags.Write, 2, 2, 1, Write: Execute);

    private static readonly Dictionary<string, int> Arities = new(StringComparer.OrdinalIgnoreCase)
    {
        ["CREATE"] = -5, ["SETID"] = -5, ["DESTROY"] = 4, ["CREATECONSUMER"] = 5, ["DELCONSUMER"] = 5, ["HELP"] = 2,
    };

    private static readonly string[] Help =
    [
        "XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CREATE <key> <groupname> <id|$> [option]",
        "    Create a new consumer group. Options are:",
        "    * MKSTREAM",
        "      Create the empty stream if it does not exist.",
        "    * ENTRIESREAD entries_read",
        "      Set the group's entries_read counter (internal use).",
        "CREATECONSUMER <key> <groupname> <consumer>",
        "    Create a new consumer in the specified group.",
        "DELCONSUMER <key> <groupname> <consumer>",
        "    Remove the specified consumer.",
        "DESTROY <key> <groupname>",
        "    Remove the specified group.",
        "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
        "    Set the current group ID and entries_read counter.",
        "HELP",
        "    Print this help.",
    ];

    private static void Execute(WriteContext context, RespCommand command, RespWriter reply)
    {
        if (!Subcommand.TryResolve("XGROUP", Arities, command, reply, out var sub))
        {
            return;
        }
        if (sub == "HELP")
        {
            Subcommand.WriteHelp(reply, Help);
            return;
        }
        var mkStream = false;
        var entriesRead = GroupState.UnknownEntriesRead;
        if (!TryParseOptions(command, sub, reply, ref mkStream, ref entriesRead))
        {
            return;
        }
        var key = command[2];
        var live = context.GetLive(key);
        if (TypedLookup.Find(live, DataType.Stream, out _) == LookupStatus.WrongType)
        {
            reply.WriteError(Errors.WrongType);
            return;
        }
        if (live is null && !mkStream)
        {
            reply.WriteError(GroupErrors.KeyRequired);
            return;
        }
        var edit = new StreamEdit(context, key, live);
        var groupName = command[3].ToArray();
        var group = GroupSession.Open(edit, groupName);
        if (group is null && sub is "SETID" or "CREATECONSUMER" or "DELCONSUMER")
        {
            reply.WriteError(GroupErrors.NoGroup(key, groupName));
            return;
        }
        switch (sub)
        {
            case "CREATE":
                Create(edit, command, groupName, group, entriesRead, reply);
                break;
            case "SETID":
                SetId(edit, command, group!, entriesRead, reply);
                break;
            case "DESTROY":
                Destroy(edit, group, reply);
                break;
            case "CREATECONSUMER":
                var created = group!.SeeConsumer(command[4].ToArray(), refresh: false);
                edit.Commit();
                reply.WriteInteger(created ? 1 : 0);
                break;
            default:
                DeleteConsumer(edit, group!, command[4].ToArray(), reply);
                break;
        }
    }

    private static bool TryParseOptions(RespCommand command, string sub, RespWriter reply, ref bool mkStream, ref long entriesRead)
    {
        if (sub == "SETID" && command.ArgumentCount is not (5 or 7)
            || sub == "SETID" && command.ArgumentCount == 7 && !command.ArgumentIs(5, "ENTRIESREAD"u8)
            || sub == "CREATE" && command.ArgumentCount > 8)
        {
            reply.WriteError(GroupErrors.SubcommandSyntax("XGROUP", command[1]));
            return false;
        }
        for (var i = 5; i < command.ArgumentCount && sub is "CREATE" or "SETID"; i++)
        {
            if (sub == "CREATE" && command.ArgumentIs(i, "MKSTREAM"u8))
            {
                mkStream = true;
            }
            else if (command.ArgumentIs(i, "ENTRIESREAD"u8) && i + 1 < command.ArgumentCount)
            {
                if (!IntegerText.TryParse(command[++i], out entriesRead))
                {
                    reply.WriteError(Errors.NotInteger);
                    return false;
                }
                if (entriesRead < GroupState.UnknownEntriesRead)
                {
                    reply.WriteError(GroupErrors.EntriesReadNegative);
                    return false;
                }
            }
            else
            {
                reply.WriteError(GroupErrors.SubcommandSyntax("XGROUP", command[1]));
                return false;
            }
        }
        return true;
    }

    private static void Create(StreamEdit edit, RespCommand command, byte[] name, GroupSession? existing, long entriesRead, RespWriter reply)
    {
        if (!TryParseGroupId(edit, command[4], strict: true, reply, out var id))
        {
            return;
        }
        if (existing is not null)
        {
            reply.WriteError(GroupErrors.BusyGroup);
            return;
        }
        GroupSession.Create(edit, name, id, entriesRead);
        edit.Commit();
        reply.WriteOk();
    }

    private static void SetId(StreamEdit edit, RespCommand command, GroupSession group, long entriesRead, RespWriter reply)
    {
        if (!TryParseGroupId(edit, command[4], strict: false, reply, out var id))
        {
            return;
        }
        group.State = group.State with { LastDelivered = id, EntriesRead = entriesRead };
        group.Save();
        edit.CommitOrTouch();
        reply.WriteOk();
    }

    /// <summary>A group's id: <c>$</c> (the stream's last id) or an id (CREATE's strict; SETID's may be <c>-</c> or <c>+</c>).</summary>
    private static bool TryParseGroupId(StreamEdit edit, ReadOnlySpan<byte> text, bool strict, RespWriter reply, out StreamId id)
    {
        if (text.SequenceEqual("$"u8))
        {
            id = edit.Meta.LastId;
            return true;
        }
        if (strict ? StreamIds.TryParseStrict(text, 0, out id) : StreamIds.TryParse(text, 0, out id))
        {
            return true;
        }
        reply.WriteError(StreamErrors.InvalidId);
        return false;
    }

    private static void Destroy(StreamEdit edit, GroupSession? group, RespWriter reply)
    {
        if (group is null)
        {
            reply.WriteInteger(0);
            return;
        }
        foreach (var (kind, name) in GroupScans.ItemsOf(edit.Context, edit.CollectionId!.Value, group.Name))
        {
            edit.Set(kind, name, null);
        }
        group.Destroy();
        edit.Commit();
        reply.WriteInteger(1);
    }

    private static void DeleteConsumer(StreamEdit edit, GroupSession group, byte[] consumer, RespWriter reply)
    {
        if (group.FindConsumer(consumer) is null)
        {
            reply.WriteInteger(0);
            return;
        }
        var pending = GroupScans.OfConsumer(edit.Context, edit.CollectionId!.Value, group.Name, consumer, StreamId.Zero, -1);
        reply.WriteInteger(group.DeleteConsumer(consumer, pending));
        edit.Commit();
    }
}

/// <summary>Container commands' subcommand lookup and help (Redis 7.0 wording).</summary>
internal static class Subcommand
{
    /// <summary>The subcommand's upper-case name, or false after replying with Redis's refusal.</summary>
    public static bool TryResolve(string command, Dictionary<string, int> arities, RespCommand args, RespWriter reply, out string sub)
    {
        var name = Encoding.UTF8.GetString(args[1]);
        sub = name.ToUpperInvariant();
        if (!arities.TryGetValue(name, out var arity))
        {
            reply.WriteError($"ERR unknown subcommand '{(name.Length > 128 ? name[..128] : name)}'. Try {command} HELP.");
            return false;
        }
        if (arity >= 0 ? args.ArgumentCount != arity : args.ArgumentCount < -arity)
        {
            reply.WriteError(Errors.WrongArgumentCount($"{command}|{name}"));
            return false;
        }
        return true;
    }

    public static void WriteHelp(RespWriter reply, string[] lines)
    {
        reply.WriteArrayHeader(lines.Length);
        foreach (var line in lines)
        {
            reply.WriteSimpleString(line);
        }
    }
}
