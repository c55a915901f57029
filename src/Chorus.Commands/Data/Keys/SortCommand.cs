using Chorus.Commands.Data.Lists;
using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Data.SortedSets;
using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Keys;

/// <summary>
/// SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC | DESC] [ALPHA] [STORE dst]
/// and SORT_RO (no STORE): sorts a list, set or sorted set numerically or by bytes, optionally by
/// other keys' values ("weight_*", "h_*->field"), returning the elements or other keys' values.
/// Follows Redis's sortCommand: equal scores tie-break on the element, BY without "*" does not
/// sort, a set stored unsorted is sorted by bytes for determinism, STORE writes a list.
/// </summary>
internal static class SortCommand
{
    public static readonly CommandSpec SortSpec = new("SORT", -2, CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.MovableKeys, 1, 1, 1,
        Write: (context, command, reply) => Execute(context, command, reply, context));

    public static readonly CommandSpec SortReadOnlySpec = new("SORT_RO", -2, CommandFlags.ReadOnly | CommandFlags.MovableKeys, 1, 1, 1,
        Read: (context, command, reply) => Execute(context, command, reply, null));

    private sealed class Options
    {
        public bool Descending { get; set; }

        public bool Alpha { get; set; }

        public long Offset { get; set; }

        public long Count { get; set; } = -1;

        public byte[]? By { get; set; }

        public bool DontSort { get; set; }

        public List<byte[]> Gets { get; } = [];

        public byte[]? Store { get; set; }
    }

    private sealed record Item(byte[] Element, double Score, byte[]? SortValue);

    private static void Execute(IKeyspaceView view, RespCommand command, RespWriter reply, WriteContext? writes)
    {
        if (!TryParse(command, writes is not null, reply, out var options))
        {
            return;
        }
        var live = view.GetLive(command[1]);
        var record = live is null ? default : KeyRecord.Parse(live);
        if (live is not null && record.Type is not (DataType.List or DataType.Set or DataType.SortedSet))
        {
            reply.WriteError(Errors.WrongType);
            return;
        }
        var elements = live is null ? [] : Elements(view, record);
        if (options.DontSort && record.Type == DataType.Set && options.Store is not null)
        {
            (options.DontSort, options.Alpha, options.By) = (false, true, null);
        }
        var items = new List<Item>(elements.Count);
        foreach (var element in elements)
        {
            if (!TryScore(view, options, element, out var item))
            {
                reply.WriteError("ERR One or more scores can't be converted into double");
                return;
            }
            items.Add(item);
        }
        if (!options.DontSort)
        {
            // Stable, as glibc's qsort (a merge sort) under Redis's SORT: elements that compare
            // equal (ALPHA BY a missing key) keep their order in the list.
            items = [.. items.Order(Comparer<Item>.Create((a, b) => Compare(a, b, options)))];
        }
        else if (options.Descending && record.Type != DataType.Set)
        {
            // Unsorted, a list or sorted set still honours DESC: its own order, from the other end.
            items.Reverse();
        }
        var selected = Limit(items, options);
        var results = new List<byte[]?>();
        foreach (var item in selected)
        {
            if (options.Gets.Count == 0)
            {
                results.Add(item.Element);
            }
            results.AddRange(options.Gets.Select(pattern => Lookup(view, pattern, item.Element)));
        }
        if (options.Store is { } destination)
        {
            writes!.Overwrite(writes.Db, destination);
            if (results.Count > 0)
            {
                ListWrites.Push(writes, destination, null, results.Select(r => r ?? []), left: false);
            }
            reply.WriteInteger(results.Count);
            return;
        }
        reply.WriteArrayHeader(results.Count);
        foreach (var result in results)
        {
            if (result is null)
            {
                reply.WriteNull();
            }
            else
            {
                reply.WriteBulkString(result);
            }
        }
    }

    private static List<byte[]> Elements(IKeyspaceView view, KeyRecord record) => record.Type switch
    {
        DataType.List => ListReads.Collect(view, record, 0, record.Count),
        DataType.Set => NamedElements.Names(view, record.CollectionId),
        _ => [.. SortedSetReads.ByRank(view, record.CollectionId, 0, record.Count - 1, reverse: false).Select(m => m.Member)],
    };

    private static bool TryScore(IKeyspaceView view, Options options, byte[] element, out Item item)
    {
        item = new Item(element, 0, null);
        if (options.DontSort)
        {
            return true;
        }
        var value = options.By is null ? element : Lookup(view, options.By, element);
        if (options.Alpha)
        {
            item = item with { SortValue = value };
            return true;
        }
        if (value is null)
        {
            return true;
        }
        if (!TryParseScore(value, out var score))
        {
            return false;
        }
        item = item with { Score = score };
        return true;
    }

    /// <summary>
    /// C's strtod over the whole C string, as Redis calls it: the text ends at a NUL byte, leading
    /// blanks are allowed, an empty text is 0, NaN and ERANGE (overflow, underflow to zero) are refused.
    /// </summary>
    private static bool TryParseScore(ReadOnlySpan<byte> text, out double score)
    {
        score = 0;
        var nul = text.IndexOf((byte)0);
        text = nul < 0 ? text : text[..nul];
        if (text.IsEmpty)
        {
            return true;
        }
        var start = 0;
        while (start < text.Length && FloatText.IsSpace(text[start]))
        {
            start++;
        }
        return start < text.Length && FloatText.TryParseDouble(text[start..], out score);
    }

    private static int Compare(Item a, Item b, Options options)
    {
        int order;
        if (!options.Alpha)
        {
            order = a.Score > b.Score ? 1 : a.Score < b.Score ? -1 : a.Element.AsSpan().SequenceCompareTo(b.Element);
        }
        else if (options.By is not null && (a.SortValue is null || b.SortValue is null))
        {
            order = a.SortValue == b.SortValue ? 0 : a.SortValue is null ? -1 : 1;
        }
        else
        {
            var (left, right) = (a.SortValue ?? a.Element, b.SortValue ?? b.Element);
            // Redis compares with strcoll (C strings: up to a NUL byte; the "C" locale) unless it
            // stores the result, then byte by byte.
            order = options.Store is null ? CString(left).SequenceCompareTo(CString(right)) : left.AsSpan().SequenceCompareTo(right);
        }
        return options.Descending ? -order : order;
    }

    private static ReadOnlySpan<byte> CString(byte[] text) => text.AsSpan().IndexOf((byte)0) is var nul and >= 0 ? text.AsSpan(0, nul) : text;

    /// <summary>Redis's LIMIT: a negative offset is 0, a negative count means all.</summary>
    private static List<Item> Limit(List<Item> items, Options options)
    {
        var start = Math.Max(0, options.Offset);
        var end = options.Count < 0 ? items.Count - 1 : start + options.Count - 1;
        if (start >= items.Count)
        {
            return [];
        }
        end = Math.Min(end, items.Count - 1);
        return end < start ? [] : items.GetRange((int)start, (int)(end - start + 1));
    }

    /// <summary>
    /// Redis's lookupKeyByPattern: "#" is the element; the first "*" is replaced by it; a "->field"
    /// suffix reads a hash field, else the key must hold a string. Null when nothing is found.
    /// </summary>
    private static byte[]? Lookup(IKeyspaceView view, ReadOnlySpan<byte> pattern, byte[] element)
    {
        if (pattern is [(byte)'#'])
        {
            return element;
        }
        var star = pattern.IndexOf((byte)'*');
        if (star < 0)
        {
            return null;
        }
        var arrow = pattern[(star + 1)..].IndexOf("->"u8);
        var hasField = arrow >= 0 && star + 1 + arrow + 2 < pattern.Length;
        var keyEnd = hasField ? star + 1 + arrow : pattern.Length;
        byte[] key = [.. pattern[..star], .. element, .. pattern[(star + 1)..keyEnd]];
        if (view.GetLive(key) is not { } live)
        {
            return null;
        }
        var record = KeyRecord.Parse(live);
        if (hasField)
        {
            return record.Type == DataType.Hash ? ElementReads.GetNamed(view, record.CollectionId, pattern[(keyEnd + 2)..]) : null;
        }
        return record.Type == DataType.String ? record.Payload.ToArray() : null;
    }

    private static bool TryParse(RespCommand command, bool canStore, RespWriter reply, out Options options)
    {
        options = new Options();
        for (var j = 2; j < command.ArgumentCount; j++)
        {
            var left = command.ArgumentCount - j - 1;
            if (command.ArgumentIs(j, "ASC"u8))
            {
                options.Descending = false;
            }
            else if (command.ArgumentIs(j, "DESC"u8))
            {
                options.Descending = true;
            }
            else if (command.ArgumentIs(j, "ALPHA"u8))
            {
                options.Alpha = true;
            }
            else if (command.ArgumentIs(j, "LIMIT"u8) && left >= 2)
            {
                if (!IntegerText.TryParse(command[j + 1], out var offset) || !IntegerText.TryParse(command[j + 2], out var count))
                {
                    reply.WriteError(Errors.NotInteger);
                    return false;
                }
                (options.Offset, options.Count) = (offset, count);
                j += 2;
            }
            else if (canStore && command.ArgumentIs(j, "STORE"u8) && left >= 1)
            {
                options.Store = command[++j].ToArray();
            }
            else if (command.ArgumentIs(j, "BY"u8) && left >= 1)
            {
                options.By = command[++j].ToArray();
                options.DontSort = !options.By.Contains((byte)'*');
            }
            else if (command.ArgumentIs(j, "GET"u8) && left >= 1)
            {
                options.Gets.Add(command[++j].ToArray());
            }
            else
            {
                reply.WriteError(Errors.Syntax);
                return false;
            }
        }
        return true;
    }
}
