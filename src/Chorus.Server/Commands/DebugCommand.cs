using System.Globalization;
using System.Text;
using Chorus.Commands.Execution;
using Chorus.Commands.Keyspace;
using Chorus.Resp;

namespace Chorus.Server.Commands;

/// <summary>
/// DEBUG, for the subcommands client libraries' and test harnesses' own tests call: SLEEP (to
/// provoke client timeouts), ERROR and PROTOCOL (to test reply parsing; replies as Redis 7.0's),
/// OBJECT, DIGEST, and SET-ACTIVE-EXPIRE / RELOAD / QUICKLIST-PACKED-THRESHOLD as documented
/// no-ops. Any other subcommand gets Redis's unknown-subcommand error. See docs/commands.md.
/// </summary>
internal static class DebugCommand
{
    /// <summary>DEBUG SLEEP waits at most this long (Redis has no limit; an hour is past any test's timeout).</summary>
    public static readonly TimeSpan SleepMax = TimeSpan.FromHours(1);

    private const string EmptyDigest = "0000000000000000000000000000000000000000";

    private static readonly string[] Help =
    [
        "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "DIGEST",
        "    Output a hex signature of the current keyspace (Chorus's own digest, as CHORUS.DIGEST).",
        "ERROR <string>",
        "    Return a Redis protocol error with <string> as message.",
        "OBJECT <key>",
        "    Show low level info about `key` (encoding is always 'rocksdb').",
        "PROTOCOL <type>",
        "    Reply with a test value of the specified type: string, integer, double, bignum, null,",
        "    array, set, map, attrib, push, verbatim, true, false.",
        "RELOAD [option ...]",
        "    Accepted; does nothing (every write is already in RocksDB).",
        "QUICKLIST-PACKED-THRESHOLD <size>",
        "    Accepted; does nothing (Chorus has no quicklists).",
        "SET-ACTIVE-EXPIRE <0|1>",
        "    Accepted; does nothing (the leader keeps expiring keys through the log).",
        "SLEEP <seconds>",
        "    Delay this connection's reply for <seconds> (decimals allowed); other clients carry on.",
        "HELP",
        "    Print this help.",
    ];

    public static ServerCommand Command { get; } =
        new(new CommandSpec("DEBUG", -2, CommandFlags.Admin | CommandFlags.NoScript | CommandFlags.Loading | CommandFlags.Stale, 0, 0, 0), ExecuteAsync);

    private static async ValueTask ExecuteAsync(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        var subcommand = Encoding.UTF8.GetString(command[1]).ToUpperInvariant();
        switch (subcommand, command.ArgumentCount)
        {
            case ("HELP", 2):
                reply.WriteArrayHeader(Help.Length);
                foreach (var line in Help)
                {
                    reply.WriteSimpleString(line);
                }
                break;
            case ("SLEEP", 3):
                await Task.Delay(SleepTime(command[2]), context.Node.Clock);
                reply.WriteOk();
                break;
            case ("ERROR", 3):
                reply.WriteError(command[2]);
                break;
            case ("PROTOCOL", 3):
                DebugProtocol.Write(Encoding.UTF8.GetString(command[2]), reply);
                break;
            case ("OBJECT", 3):
                WriteObject(context, command[2], reply);
                break;
            case ("DIGEST", 2):
                var digest = KeyspaceDigest.Compute(context.Node.Storage);
                reply.WriteBulkString(digest.Keys == 0 ? EmptyDigest : digest.Digest.PadLeft(EmptyDigest.Length, '0'));
                break;
            case ("SET-ACTIVE-EXPIRE" or "QUICKLIST-PACKED-THRESHOLD", 3):
            case ("RELOAD", >= 2):
                reply.WriteOk();
                break;
            default:
                reply.WriteError([.. "ERR unknown subcommand or wrong number of arguments for '"u8, .. CString.Of(command[1], 128), .. "'. Try DEBUG HELP."u8]);
                break;
        }
    }

    /// <summary>Like Redis's strtod of the argument: not a number reads as 0, negative sleeps not at all.</summary>
    private static TimeSpan SleepTime(ReadOnlySpan<byte> text)
    {
        if (!double.TryParse(Encoding.ASCII.GetString(text), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || !(seconds > 0))
        {
            return TimeSpan.Zero;
        }
        return seconds >= SleepMax.TotalSeconds ? SleepMax : TimeSpan.FromSeconds(seconds);
    }

    /// <summary>
    /// Redis's DEBUG OBJECT line. Chorus keeps no in-memory objects: the encoding is "rocksdb",
    /// serializedlength is the size of the stored value, and there is no LRU clock.
    /// </summary>
    private static void WriteObject(ServerCommandContext context, ReadOnlySpan<byte> key, RespWriter reply)
    {
        var reads = context.Session.Reads;
        reads.NowMs = context.Node.NowMs;
        if (reads.GetLive(key) is not { } stored)
        {
            reply.WriteError(Errors.NoSuchKey);
            return;
        }
        reply.WriteSimpleString(string.Create(CultureInfo.InvariantCulture,
            $"Value at:0x0 refcount:1 encoding:rocksdb serializedlength:{stored.Length} lru:0 lru_seconds_idle:0"));
    }
}
