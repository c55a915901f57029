using System.Globalization;
using System.Text;
using Chorus.Resp;

namespace Chorus.Compat.Comparison;

/// <summary>Helpers to read collection replies as elements (and field-value pairs) for the property checks.</summary>
internal static class Elements
{
    /// <summary>The elements of a bulk string (one), a null (none) or an aggregate.</summary>
    public static List<string> Of(RespValue reply) => reply.Kind switch
    {
        RespValueKind.Null => [],
        RespValueKind.BulkString => [Text(reply)],
        _ => [.. reply.Items.Select(Text)],
    };

    /// <summary>
    /// Field-value pairs: a RESP2 flat array (f, v, f, v), a RESP3 map, or RESP3's array of
    /// [field, value] arrays (HRANDFIELD ... WITHVALUES).
    /// </summary>
    public static List<(string Field, string Value)> PairsOf(RespValue reply)
    {
        var items = reply.Items;
        if (items.Count > 0 && items[0].Kind == RespValueKind.Array)
        {
            return [.. items.Select(pair => (Text(pair.Items[0]), Text(pair.Items[1])))];
        }
        return [.. Enumerable.Range(0, items.Count / 2).Select(i => (Text(items[2 * i]), Text(items[(2 * i) + 1])))];
    }

    /// <summary>An element's bytes as text that keeps every byte distinct (Latin-1), for sets and dictionaries.</summary>
    public static string Text(RespValue value) => value.Kind == RespValueKind.BulkString || value.Kind == RespValueKind.SimpleString
        ? Encoding.Latin1.GetString(value.Bytes.Span)
        : value.ToString();

    public static string Text(byte[] bytes) => Encoding.Latin1.GetString(bytes);

    /// <summary>The count argument at <paramref name="index"/>, if there is one (replies to invalid counts are errors, compared exactly).</summary>
    public static long? CountArgument(IReadOnlyList<byte[]> args, int index) =>
        args.Count > index && long.TryParse(Encoding.ASCII.GetString(args[index]), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var count)
            ? count
            : null;

    public static string Show(IEnumerable<string> elements) =>
        "[" + string.Join(", ", elements.Take(8).Select(e => RespValue.BulkString(Encoding.Latin1.GetBytes(e)).ToString())) + "]";
}
