using System.Globalization;
using System.Text;
using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Statements;

/// <summary>
/// Determinism rewriting (docs/commands.md, "Statement-based replication"): the leader turns a
/// write whose effect depends on its clock or its random choices into one that does not, using
/// the time it executed at and the row changes it made — as Redis rewrites what it propagates to
/// its replicas. A command that needs no rewrite is logged as sent. Only commands that changed
/// something are logged at all, so every command given here succeeded on the leader.
/// </summary>
public static class StatementRewriter
{
    /// <summary>The deterministic form of <paramref name="command"/>, executed at <paramref name="nowMs"/> making <paramref name="changes"/> (decoded only for the commands that need them).</summary>
    public static byte[][] Rewrite(RespCommand command, long nowMs, Func<IReadOnlyList<RowChange>> changes)
    {
        var name = Encoding.ASCII.GetString(command[0]).ToUpperInvariant();
        return name switch
        {
            "EXPIRE" => Expire(command, nowMs, unitMs: 1000),
            "PEXPIRE" => Expire(command, nowMs, unitMs: 1),
            "SET" => Set(command, nowMs),
            "SETEX" => [Word("SET"), command[1].ToArray(), command[3].ToArray(), Word("PXAT"), Number(Absolute(command[2], nowMs, 1000))],
            "PSETEX" => [Word("SET"), command[1].ToArray(), command[3].ToArray(), Word("PXAT"), Number(Absolute(command[2], nowMs, 1))],
            "GETEX" => Set(command, nowMs),
            "RESTORE" => Restore(command, nowMs),
            "SPOP" => SPop(command, changes()),
            "INCRBYFLOAT" => [Word("SET"), command[1].ToArray(), StringAfter(changes()), Word("KEEPTTL")],
            "XADD" => XAdd(command, changes()),
            "HINCRBYFLOAT" => [Word("HSET"), command[1].ToArray(), command[2].ToArray(), FieldAfter(changes(), command[2])],
            _ => BlockingStatements.Rewrite(name, command, changes) ?? Arguments(command),
        };
    }

    /// <summary>The command's arguments, as sent.</summary>
    public static byte[][] Arguments(RespCommand command)
    {
        var arguments = new byte[command.ArgumentCount][];
        for (var i = 0; i < arguments.Length; i++)
        {
            arguments[i] = command[i].ToArray();
        }
        return arguments;
    }

    /// <summary>EXPIRE k 10 [NX|XX|GT|LT] → PEXPIREAT k (now + 10 000) [NX|XX|GT|LT].</summary>
    private static byte[][] Expire(RespCommand command, long nowMs, long unitMs)
    {
        var arguments = Arguments(command);
        arguments[0] = Word("PEXPIREAT");
        arguments[2] = Number(Absolute(command[2], nowMs, unitMs));
        return arguments;
    }

    /// <summary>SET k v EX 10 → SET k v PXAT (now + 10 000); PX likewise; GETEX k EX|PX n → GETEX k PXAT abs.</summary>
    private static byte[][] Set(RespCommand command, long nowMs)
    {
        var arguments = Arguments(command);
        var first = command.NameIs("GETEX"u8) ? 2 : 3;
        for (var i = first; i + 1 < arguments.Length; i++)
        {
            var unitMs = command.ArgumentIs(i, "EX"u8) ? 1000 : command.ArgumentIs(i, "PX"u8) ? 1 : 0;
            if (unitMs != 0)
            {
                arguments[i] = Word("PXAT");
                arguments[i + 1] = Number(Absolute(command[i + 1], nowMs, unitMs));
                i++;
            }
        }
        return arguments;
    }

    /// <summary>RESTORE k ttl v ... with a relative ttl → RESTORE k (now + ttl) v ... ABSTTL.</summary>
    private static byte[][] Restore(RespCommand command, long nowMs)
    {
        var arguments = Arguments(command);
        var absolute = false;
        for (var i = 4; i < arguments.Length; i++)
        {
            absolute |= command.ArgumentIs(i, "ABSTTL"u8);
        }
        if (absolute || !IntegerText.TryParse(command[2], out var ttl) || ttl == 0)
        {
            return arguments;
        }
        arguments[2] = Number(nowMs + ttl);
        return [.. arguments, Word("ABSTTL")];
    }

    /// <summary>SPOP k [n] → SREM k (the members the leader chose).</summary>
    private static byte[][] SPop(RespCommand command, IReadOnlyList<RowChange> changes)
    {
        List<byte[]> arguments = [Word("SREM"), command[1].ToArray()];
        foreach (var change in changes)
        {
            if (change is SetChange set)
            {
                arguments.AddRange(set.Members.Where(m => !m.Added).Select(m => m.Member));
            }
        }
        return [.. arguments];
    }

    /// <summary>XADD k [options] *|ms-* f v ... → XADD k [options] (the id the leader chose) f v ...</summary>
    private static byte[][] XAdd(RespCommand command, IReadOnlyList<RowChange> changes)
    {
        var arguments = Arguments(command);
        var added = changes.OfType<StreamChange>().SelectMany(c => c.Items).First(i => i.Value is not null);
        arguments[XAddIdIndex(command)] = StreamId.Read(added.Name).ToText();
        return arguments;
    }

    /// <summary>Where XADD's id is: after NOMKSTREAM and the trimming options (the command succeeded, so they parse).</summary>
    private static int XAddIdIndex(RespCommand command)
    {
        var i = 2;
        while (i < command.ArgumentCount && !command[i].SequenceEqual("*"u8))
        {
            if (command.ArgumentIs(i, "MAXLEN"u8) || command.ArgumentIs(i, "MINID"u8))
            {
                i += i + 2 < command.ArgumentCount && (command[i + 1].SequenceEqual("~"u8) || command[i + 1].SequenceEqual("="u8)) ? 3 : 2;
            }
            else if (command.ArgumentIs(i, "LIMIT"u8))
            {
                i += 2;
            }
            else if (command.ArgumentIs(i, "NOMKSTREAM"u8))
            {
                i++;
            }
            else
            {
                break;
            }
        }
        return i;
    }

    /// <summary>The string value the command left (INCRBYFLOAT's result).</summary>
    private static byte[] StringAfter(IReadOnlyList<RowChange> changes) =>
        changes.OfType<PutChange>().LastOrDefault() is { } put
            ? KeyRecord.ParseImage(put.After).Payload.ToArray()
            : throw new InvalidOperationException("INCRBYFLOAT changed data without writing its result");

    /// <summary>The value the command left in a hash field (HINCRBYFLOAT's result).</summary>
    private static byte[] FieldAfter(IReadOnlyList<RowChange> changes, ReadOnlySpan<byte> field)
    {
        foreach (var change in changes.OfType<HashChange>().Reverse())
        {
            foreach (var written in change.Fields)
            {
                if (written.Value is { } value && field.SequenceEqual(written.Field))
                {
                    return value;
                }
            }
        }
        throw new InvalidOperationException("HINCRBYFLOAT changed data without writing its result");
    }

    /// <summary>now + time × unit; the leader accepted the time, so it is an integer that does not overflow.</summary>
    private static long Absolute(ReadOnlySpan<byte> time, long nowMs, long unitMs) =>
        IntegerText.TryParse(time, out var value)
            ? checked(nowMs + value * unitMs)
            : throw new InvalidOperationException("a relative time the leader accepted is not an integer");

    private static byte[] Word(string word) => Encoding.ASCII.GetBytes(word);

    private static byte[] Number(long value) => Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture));
}
