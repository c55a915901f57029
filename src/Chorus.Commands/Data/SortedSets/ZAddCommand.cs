using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Execution;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;
using Chorus.Core;
using Chorus.Resp;

namespace Chorus.Commands.Data.SortedSets;

/// <summary>
/// ZADD key [NX | XX] [GT | LT] [CH] [INCR] score member [score member ...] (replies with members
/// added, or added and changed with CH; with INCR the new score, or nil when an option skipped it)
/// and ZINCRBY key increment member. One element read per member named, O(log n) writes.
/// </summary>
internal static class ZAddCommand
{
    private const CommandFlags Flags = CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.Fast;

    public static readonly CommandSpec ZAddSpec = new("ZADD", -4, Flags, 1, 1, 1, Write: ExecuteZAdd);

    public static readonly CommandSpec ZIncrBySpec = new("ZINCRBY", 4, Flags, 1, 1, 1, Write: ExecuteZIncrBy);

    private const string NaNResult = "ERR resulting score is not a number (NaN)";

    [Flags]
    private enum Options
    {
        None = 0,
        Nx = 1,
        Xx = 2,
        Gt = 4,
        Lt = 8,
        Ch = 16,
        Incr = 32,
    }

    private static void ExecuteZAdd(WriteContext context, RespCommand command, RespWriter reply)
    {
        var (options, first) = ParseOptions(command);
        var elements = command.ArgumentCount - first;
        if (elements == 0 || elements % 2 == 1)
        {
            reply.WriteError(Errors.Syntax);
            return;
        }
        if (Has(options, Options.Nx) && Has(options, Options.Xx))
        {
            reply.WriteError("ERR XX and NX options at the same time are not compatible");
            return;
        }
        if ((Has(options, Options.Gt) || Has(options, Options.Lt)) && (Has(options, Options.Nx) || (Has(options, Options.Gt) && Has(options, Options.Lt))))
        {
            reply.WriteError("ERR GT, LT, and/or NX options at the same time are not compatible");
            return;
        }
        if (Has(options, Options.Incr) && elements > 2)
        {
            reply.WriteError("ERR INCR option supports a single increment-element pair");
            return;
        }
        var scores = new double[elements / 2];
        for (var i = 0; i < scores.Length; i++)
        {
            if (!FloatText.TryParseDouble(command[first + (2 * i)], out scores[i]))
            {
                reply.WriteError(Errors.NotFloat);
                return;
            }
        }
        Add(context, command, reply, options, first, scores);
    }

    private static void ExecuteZIncrBy(WriteContext context, RespCommand command, RespWriter reply)
    {
        if (!FloatText.TryParseDouble(command[2], out var increment))
        {
            reply.WriteError(Errors.NotFloat);
            return;
        }
        Add(context, command, reply, Options.Incr, 2, [increment]);
    }

    private static void Add(WriteContext context, RespCommand command, RespWriter reply, Options options, int first, double[] scores)
    {
        var key = command[1];
        var live = context.GetLive(key);
        var status = TypedLookup.Find(live, DataType.SortedSet, out var set);
        if (status == LookupStatus.WrongType)
        {
            reply.WriteError(Errors.WrongType);
            return;
        }
        var current = new Dictionary<byte[], double?>(ByteArrayComparer.Instance);
        var changes = new List<ScoreChange>();
        long added = 0, changed = 0;
        double? result = null;
        for (var i = 0; i < scores.Length; i++)
        {
            var member = command[first + (2 * i) + 1].ToArray();
            if (!current.TryGetValue(member, out var old))
            {
                old = status == LookupStatus.Found ? SortedSetReads.Score(context, set.CollectionId, member) : null;
            }
            var score = Has(options, Options.Incr) && old is { } existing ? existing + scores[i] : scores[i];
            if (double.IsNaN(score))
            {
                reply.WriteError(NaNResult);
                return;
            }
            if (!Allowed(options, old, score))
            {
                current[member] = old;
                continue;
            }
            // The reply shows the score computed (ZINCRBY by -0 prints "-0"); the set stores −0 as 0.
            result = score;
            score = score == 0 ? 0 : score;
            if (old != score)
            {
                added += old is null ? 1 : 0;
                changed += old is null ? 0 : 1;
                changes.Add(new ScoreChange(member, score, old));
            }
            current[member] = score;
        }
        SortedSetWrites.Record(context, context.Db, key, live, changes);
        if (!Has(options, Options.Incr))
        {
            reply.WriteInteger(Has(options, Options.Ch) ? added + changed : added);
        }
        else if (result is { } incremented)
        {
            ScoreText.Write(reply, incremented);
        }
        else
        {
            reply.WriteNull();
        }
    }

    /// <summary>NX: only new members; XX: only existing ones; GT/LT: only a higher/lower score than the current one.</summary>
    private static bool Allowed(Options options, double? old, double score) => old switch
    {
        null => !Has(options, Options.Xx),
        { } current => !Has(options, Options.Nx) && !(Has(options, Options.Gt) && score <= current) && !(Has(options, Options.Lt) && score >= current),
    };

    private static (Options Options, int First) ParseOptions(RespCommand command)
    {
        var options = Options.None;
        var i = 2;
        for (; i < command.ArgumentCount; i++)
        {
            var option = command.ArgumentIs(i, "NX"u8) ? Options.Nx
                : command.ArgumentIs(i, "XX"u8) ? Options.Xx
                : command.ArgumentIs(i, "GT"u8) ? Options.Gt
                : command.ArgumentIs(i, "LT"u8) ? Options.Lt
                : command.ArgumentIs(i, "CH"u8) ? Options.Ch
                : command.ArgumentIs(i, "INCR"u8) ? Options.Incr
                : Options.None;
            if (option == Options.None)
            {
                break;
            }
            options |= option;
        }
        return (options, i);
    }

    private static bool Has(Options options, Options option) => (options & option) != 0;
}
