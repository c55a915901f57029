using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Execution;
using Chorus.Commands.Keyspace;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Keys;

/// <summary>
/// OBJECT ENCODING | FREQ | IDLETIME | REFCOUNT key, and OBJECT HELP. Chorus stores every type the
/// same way (docs/storage-layout.md), so ENCODING reports what Redis 7.0 would use for the same
/// value with its default thresholds, for clients and tests that branch on it; a string's is judged
/// by its content (as SET would store it), so one grown by APPEND or SETRANGE, which Redis turns
/// "raw", may show "embstr" or "int". Chorus keeps no
/// access times or frequencies: IDLETIME is 0 and FREQ answers as Redis without an LFU policy.
/// </summary>
internal static class ObjectCommand
{
    public static readonly CommandSpec Spec = new("OBJECT", -2, CommandFlags.ReadOnly, 2, 2, 1, Read: Execute);

    private static readonly string[] Help =
    [
        "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "ENCODING <key>",
        "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>",
        "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>",
        "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>",
        "    Return the number of references of the value associated with the specified",
        "    <key>.",
        "HELP",
        "    Prints this help.",
    ];

    private static void Execute(ReadContext context, RespCommand command, RespWriter reply)
    {
        var sub = System.Text.Encoding.UTF8.GetString(command[1]).ToLowerInvariant();
        if (sub == "help")
        {
            if (command.ArgumentCount != 2)
            {
                reply.WriteError(Errors.WrongArgumentCount("object|help"));
                return;
            }
            reply.WriteArrayHeader(Help.Length);
            foreach (var line in Help)
            {
                reply.WriteSimpleString(line);
            }
            return;
        }
        if (sub is not ("encoding" or "freq" or "idletime" or "refcount"))
        {
            reply.WriteError($"ERR unknown subcommand '{System.Text.Encoding.UTF8.GetString(command[1])}'. Try OBJECT HELP.");
            return;
        }
        if (command.ArgumentCount != 3)
        {
            reply.WriteError(Errors.WrongArgumentCount($"object|{sub}"));
            return;
        }
        if (context.GetLive(command[2]) is not { } live)
        {
            reply.WriteNull();
            return;
        }
        var record = KeyRecord.Parse(live);
        switch (sub)
        {
            case "encoding":
                reply.WriteBulkString(Encoding(context, record));
                break;
            case "freq":
                reply.WriteError("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.");
                break;
            case "idletime":
                reply.WriteInteger(0);
                break;
            default:
                // Redis shares the integers 0–9999: they report INT_MAX references.
                reply.WriteInteger(record.Type == DataType.String && IntegerText.TryParse(record.Payload, out var number) && number is >= 0 and < 10_000 && IsCanonical(record.Payload) ? int.MaxValue : 1);
                break;
        }
    }

    private static string Encoding(IKeyspaceView view, KeyRecord record) => record.Type switch
    {
        DataType.String => IntegerText.TryParse(record.Payload, out _) && IsCanonical(record.Payload) && record.Payload.Length <= 20 ? "int" : record.Payload.Length <= 44 ? "embstr" : "raw",
        DataType.List => "quicklist",
        DataType.Stream => "stream",
        DataType.Hash => record.Count <= 128 && Small(view, record.CollectionId, values: true) ? "listpack" : "hashtable",
        DataType.Set => record.Count <= 512 && NamedElements.Names(view, record.CollectionId).All(m => IntegerText.TryParse(m, out _) && IsCanonical(m)) ? "intset" : "hashtable",
        _ => record.Count <= 128 && Small(view, record.CollectionId, values: false) ? "listpack" : "skiplist",
    };

    /// <summary>Every name (and value) at most 64 bytes: Redis's listpack limit.</summary>
    private static bool Small(IKeyspaceView view, ulong id, bool values)
    {
        using var elements = view.OpenElements(id);
        for (elements.SeekToFirst(); elements.Valid; elements.Next())
        {
            var sortedSetMember = !values;
            if (sortedSetMember && elements.SubKey[0] != ElementKey.ScoreByMember)
            {
                continue;
            }
            var name = ElementKey.NameOf(sortedSetMember ? elements.SubKey[1..] : elements.SubKey);
            if (name.Length > 64 || (values && elements.Value.Length > 64))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Redis stores a string as an integer only if it reads back the same ("7", not "07" or "+7").</summary>
    private static bool IsCanonical(ReadOnlySpan<byte> text) =>
        IntegerText.TryParse(text, out var value) && value.ToString(System.Globalization.CultureInfo.InvariantCulture).AsSpan().SequenceEqual(System.Text.Encoding.ASCII.GetString(text));
}
