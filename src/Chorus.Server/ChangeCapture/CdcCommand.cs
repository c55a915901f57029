using System.Globalization;
using System.Text;
using Chorus.Commands.Execution;
using Chorus.Core;
using Chorus.Node.ChangeCapture;
using Chorus.Resp;
using Chorus.Server.Commands;

namespace Chorus.Server.ChangeCapture;

/// <summary>
/// CHORUS.CDC READ &lt;from-lsn|now&gt; [EPOCH e] [COUNT n] [BLOCK ms]: committed changes from a
/// log position (docs/cdc.md). The reply is <c>[next-lsn, epoch, committed-lsn, [event, ...]]</c>,
/// each event a JSON object; pass next-lsn and epoch back to read on. BLOCK waits (0: for ever)
/// until something is committed after the position, as XREAD's BLOCK does.
/// </summary>
internal static class CdcCommand
{
    public static ServerCommand Command { get; } =
        new(new CommandSpec("CHORUS.CDC", -3, CommandFlags.ReadOnly | CommandFlags.NoScript | CommandFlags.Loading | CommandFlags.Stale, 0, 0, 0), ExecuteAsync);

    private static async ValueTask ExecuteAsync(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        if (!command.ArgumentIs(1, "READ"u8))
        {
            reply.WriteError($"ERR unknown subcommand '{Encoding.UTF8.GetString(command[1])}'. Try CHORUS.CDC READ <from-lsn|now> [EPOCH e] [COUNT n] [BLOCK ms].");
            return;
        }
        if (context.Session.User is { } user && !CdcAccess.MayReadAllKeys(user))
        {
            reply.WriteError(CdcAccess.KeysDenied);
            return;
        }
        if (CdcRequest.Parse(Arguments(command)) is not { } request)
        {
            reply.WriteError(CdcRequest.SyntaxError);
            return;
        }
        var batch = await CdcReader.ReadAsync(context.Node.Driver.Changes, request, context.Session.Closing);
        if (CdcReader.Refusal(batch) is { } error)
        {
            reply.WriteError(error);
            return;
        }
        reply.WriteArrayHeader(4);
        reply.WriteInteger((long)batch.Next.Next.Value);
        reply.WriteInteger((long)(batch.Next.Epoch ?? Epoch.Zero).Value);
        reply.WriteInteger((long)batch.Committed.Value);
        reply.WriteArrayHeader(batch.Events.Count);
        foreach (var change in batch.Events)
        {
            reply.WriteBulkString(change);
        }
    }

    /// <summary>The arguments after READ, as text (read before any await: the command's buffer is reused).</summary>
    private static List<string> Arguments(RespCommand command)
    {
        var arguments = new List<string>(command.ArgumentCount - 2);
        for (var i = 2; i < command.ArgumentCount; i++)
        {
            arguments.Add(Encoding.UTF8.GetString(command[i]));
        }
        return arguments;
    }
}

/// <summary>A CDC read as a consumer asked for it, over RESP or HTTP.</summary>
internal sealed record CdcRequest(ulong? From, ulong? Epoch, int Count, long BlockMs)
{
    public const string SyntaxError = "ERR syntax error: CHORUS.CDC READ <from-lsn|now> [EPOCH e] [COUNT n] [BLOCK ms] (LSN, epoch, count and block are non-negative integers)";

    /// <summary>Entries per read when the consumer names no COUNT.</summary>
    public const int DefaultCount = 1000;

    /// <summary>The position (a number or "now") followed by option pairs; null when malformed.</summary>
    public static CdcRequest? Parse(IReadOnlyList<string> arguments)
    {
        if (arguments.Count == 0 || arguments.Count % 2 != 1)
        {
            return null;
        }
        ulong? from = null;
        if (!arguments[0].Equals("now", StringComparison.OrdinalIgnoreCase))
        {
            if (!ulong.TryParse(arguments[0], NumberStyles.None, CultureInfo.InvariantCulture, out var lsn))
            {
                return null;
            }
            from = lsn;
        }
        var request = new CdcRequest(from, null, DefaultCount, -1);
        for (var i = 1; i < arguments.Count; i += 2)
        {
            if (!ulong.TryParse(arguments[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                return null;
            }
            request = arguments[i].ToUpperInvariant() switch
            {
                "EPOCH" => request with { Epoch = value },
                "COUNT" when value > 0 => request with { Count = (int)Math.Min(value, ChangeFeed.EntriesMax) },
                "BLOCK" => request with { BlockMs = (long)Math.Min(value, long.MaxValue / 2) },
                _ => null,
            };
            if (request is null)
            {
                return null;
            }
        }
        return request;
    }

    public ChangeCursor Cursor(ChangeFeed feed) =>
        From is { } lsn ? new ChangeCursor(new Lsn(lsn), Epoch is { } e ? new Core.Epoch(e) : null) : feed.Now();
}
