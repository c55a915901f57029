using System.Text;
using Chorus.Resp;

namespace Chorus.Commands.Data.Streams.Groups;

/// <summary>Redis 7.0's consumer-group error replies, word for word (t_stream.c).</summary>
internal static class GroupErrors
{
    public const string BusyGroup = "BUSYGROUP Consumer Group name already exists";
    public const string KeyRequired = "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.";
    public const string EntriesReadNegative = "ERR value for ENTRIESREAD must be positive or -1";
    public const string MissingGroup = "ERR Missing GROUP option for XREADGROUP";
    public const string DollarInGroup = "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.";
    public const string CountNotPositive = "ERR COUNT must be > 0";
    public const string SetIdTooSmall = "ERR The ID specified in XSETID is smaller than the target stream top item";
    public const string SetIdBelowMaxDeleted = "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id";
    public const string EntriesAddedTooSmall = "ERR The entries_added specified in XSETID is smaller than the target stream length";
    public const string EntriesAddedNegative = "ERR entries_added must be positive";

    /// <summary>XREADGROUP's NOGROUP.</summary>
    public static byte[] NoGroupForRead(ReadOnlySpan<byte> key, ReadOnlySpan<byte> group) =>
        [.. "NOGROUP No such key '"u8, .. CString.Of(key), .. "' or consumer group '"u8, .. CString.Of(group), .. "' in XREADGROUP with GROUP option"u8];

    /// <summary>XPENDING's, XCLAIM's and XAUTOCLAIM's NOGROUP.</summary>
    public static byte[] NoKeyOrGroup(ReadOnlySpan<byte> key, ReadOnlySpan<byte> group) =>
        [.. "NOGROUP No such key '"u8, .. CString.Of(key), .. "' or consumer group '"u8, .. CString.Of(group), .. "'"u8];

    /// <summary>XGROUP's and XINFO CONSUMERS' NOGROUP.</summary>
    public static byte[] NoGroup(ReadOnlySpan<byte> key, ReadOnlySpan<byte> group) =>
        [.. "NOGROUP No such consumer group '"u8, .. CString.Of(group), .. "' for key name '"u8, .. CString.Of(key), .. "'"u8];

    public static byte[] SubcommandSyntax(string command, ReadOnlySpan<byte> subcommand) =>
        [.. "ERR unknown subcommand or wrong number of arguments for '"u8, .. CString.Of(subcommand, 128), .. Encoding.ASCII.GetBytes($"'. Try {command} HELP.")];

    public static string Invalid(string what, string command) => $"ERR Invalid {what} argument for {command}";
}
