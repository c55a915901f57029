using Chorus.Commands.Data.Lists;
using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Data.Sets;
using Chorus.Commands.Data.SortedSets;
using Chorus.Commands.Execution;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;
using Chorus.Core;
using Chorus.Core.Encoding;
using Chorus.Resp;

namespace Chorus.Commands.Data.Keys;

/// <summary>
/// DUMP key (a serialized value, without its TTL; nil when absent) and RESTORE key ttl payload
/// [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency] (creates the key from a DUMP payload;
/// BUSYKEY when it exists without REPLACE; a TTL already past creates nothing). The payload is
/// Redis 7.0's (<see cref="Rdb.RdbPayload"/>), so values move between Redis and Chorus both ways;
/// RESTORE also takes Chorus's older payload (<see cref="DumpPayload"/>). IDLETIME and FREQ are
/// checked and ignored (Chorus keeps no access statistics). The log carries the restored contents.
/// </summary>
internal static class DumpRestoreCommands
{
    public static readonly CommandSpec DumpSpec = new("DUMP", 2, CommandFlags.ReadOnly, 1, 1, 1, Read: ExecuteDump);

    public static readonly CommandSpec RestoreSpec = new("RESTORE", -4, CommandFlags.Write | CommandFlags.DenyOom, 1, 1, 1, Write: ExecuteRestore);

    private static void ExecuteDump(ReadContext context, RespCommand command, RespWriter reply)
    {
        if (context.GetLive(command[1]) is not { } live)
        {
            reply.WriteNull();
            return;
        }
        var record = KeyRecord.Parse(live);
        var value = record.Type == DataType.Stream
            ? new DumpPayload.Value(DataType.Stream, [], []) { Stream = Streams.StreamDump.Read(context, record) }
            : DumpPayload.Read(context, record);
        reply.WriteBulkString(Rdb.RdbPayload.Encode(value));
    }

    private static void ExecuteRestore(WriteContext context, RespCommand command, RespWriter reply)
    {
        if (!TryParseOptions(command, reply, out var replace, out var absolute))
        {
            return;
        }
        var key = command[1];
        if (!replace && context.GetLive(key) is not null)
        {
            reply.WriteError("BUSYKEY Target key name already exists.");
            return;
        }
        if (!IntegerText.TryParse(command[2], out var ttl))
        {
            reply.WriteError(Errors.NotInteger);
            return;
        }
        if (ttl < 0)
        {
            reply.WriteError("ERR Invalid TTL value, must be >= 0");
            return;
        }
        switch (Decode(command[3], out var value))
        {
            case DumpPayload.Status.VersionOrChecksum:
                reply.WriteError("ERR DUMP payload version or checksum are wrong");
                return;
            case DumpPayload.Status.BadFormat:
                reply.WriteError("ERR Bad data format");
                return;
        }
        if (replace)
        {
            context.Overwrite(context.Db, key);
        }
        var expiresAtMs = ttl == 0 ? 0 : absolute ? ttl : ttl + context.NowMs;
        if (ttl != 0 && expiresAtMs <= context.NowMs)
        {
            reply.WriteOk();
            return;
        }
        Create(context, key, value!, expiresAtMs);
        reply.WriteOk();
    }

    /// <summary>Redis's payload, or Chorus's older one (which DUMP wrote before it wrote Redis's).</summary>
    private static DumpPayload.Status Decode(ReadOnlySpan<byte> payload, out DumpPayload.Value? value)
    {
        if (!Rdb.RdbPayload.HasValidFooter(payload))
        {
            return DumpPayload.TryDecode(payload, out value);
        }
        try
        {
            value = Rdb.RdbPayload.Decode(payload);
            return DumpPayload.Status.Ok;
        }
        catch (CorruptDataException)
        {
            value = null;
            return DumpPayload.Status.BadFormat;
        }
    }

    private static void Create(WriteContext context, ReadOnlySpan<byte> key, DumpPayload.Value value, long expiresAtMs)
    {
        context.RemoveExpired(context.Db, key);
        var db = context.Db;
        switch (value.Type)
        {
            case DataType.String:
                context.PutString(key, Records.String(value.Text, expiresAtMs));
                return;
            case DataType.Hash:
                context.Record(new HashChange(db, key.ToArray(), null, [.. Distinct(value).Select(e => new FieldChange(e.Name, e.Value, null))]));
                break;
            case DataType.Set:
                SetWrites.Add(context, key, null, value.Elements.Select(e => e.Name));
                break;
            case DataType.Stream when value.Stream is { } stream:
                Streams.StreamDump.Create(context, key, stream);
                break;
            case DataType.SortedSet:
                SortedSetWrites.Record(context, db, key, null, [.. Distinct(value).Select(e => new ScoreChange(e.Name, e.Score == 0 ? 0 : e.Score, null))]);
                break;
            default:
                ListWrites.Push(context, key, null, value.Elements.Select(e => e.Value), left: false);
                break;
        }
        if (expiresAtMs != 0)
        {
            context.Record(new ExpireChange(db, key.ToArray(), expiresAtMs, 0));
        }
    }

    /// <summary>A payload naming a field or member twice keeps its last value, as a hash or sorted set can hold each once.</summary>
    private static IEnumerable<(byte[] Name, byte[] Value, double Score)> Distinct(DumpPayload.Value value) =>
        value.Elements.GroupBy(e => e.Name, ByteArrayComparer.Instance).Select(g => g.Last());

    private static bool TryParseOptions(RespCommand command, RespWriter reply, out bool replace, out bool absolute)
    {
        (replace, absolute) = (false, false);
        bool idle = false, frequency = false;
        for (var j = 4; j < command.ArgumentCount; j++)
        {
            var more = j + 1 < command.ArgumentCount;
            if (command.ArgumentIs(j, "REPLACE"u8))
            {
                replace = true;
            }
            else if (command.ArgumentIs(j, "ABSTTL"u8))
            {
                absolute = true;
            }
            else if (command.ArgumentIs(j, "IDLETIME"u8) && more && !frequency)
            {
                if (!TryParseNumber(command[++j], reply, out var seconds) || !Check(seconds >= 0, "ERR Invalid IDLETIME value, must be >= 0", reply))
                {
                    return false;
                }
                idle = true;
            }
            else if (command.ArgumentIs(j, "FREQ"u8) && more && !idle)
            {
                if (!TryParseNumber(command[++j], reply, out var count) || !Check(count is >= 0 and <= 255, "ERR Invalid FREQ value, must be >= 0 and <= 255", reply))
                {
                    return false;
                }
                frequency = true;
            }
            else
            {
                reply.WriteError(Errors.Syntax);
                return false;
            }
        }
        return true;
    }

    private static bool TryParseNumber(ReadOnlySpan<byte> text, RespWriter reply, out long value) =>
        IntegerText.TryParse(text, out value) || Check(false, Errors.NotInteger, reply);

    private static bool Check(bool condition, string error, RespWriter reply)
    {
        if (!condition)
        {
            reply.WriteError(error);
        }
        return condition;
    }
}
