using System.Globalization;
using System.Text;

namespace Chorus.Resp;

/// <summary>Renders replies as redis-cli does on a terminal (cliFormatReplyTTY).</summary>
internal static class RespValueRenderer
{
    public static string Render(RespValue value)
    {
        var text = new StringBuilder();
        Append(text, value, "");
        // Every rendered reply ends with a newline; a single value reads better without it.
        return text.ToString().TrimEnd('\n');
    }

    private static void Append(StringBuilder text, RespValue value, string prefix)
    {
        switch (value.Kind)
        {
            case RespValueKind.Array or RespValueKind.Map or RespValueKind.Set
                or RespValueKind.Push or RespValueKind.Attribute:
                AppendAggregate(text, value, prefix);
                return;
            case RespValueKind.BulkString:
                RespRepr.AppendQuoted(text, value.Bytes.Span);
                break;
            default:
                text.Append(Scalar(value));
                break;
        }

        text.Append('\n');
    }

    private static string Scalar(RespValue value) => value.Kind switch
    {
        RespValueKind.Error => "(error) " + value.AsString(),
        RespValueKind.Integer => "(integer) " + value.Integer.ToString(CultureInfo.InvariantCulture),
        RespValueKind.Double => "(double) " + value.AsString(),
        RespValueKind.Boolean => value.Boolean ? "(true)" : "(false)",
        RespValueKind.BigNumber => "(big number) " + value.AsString(),
        RespValueKind.Null => "(nil)",
        _ => value.AsString() ?? "",
    };

    private static void AppendAggregate(StringBuilder text, RespValue value, string prefix)
    {
        var items = value.Items;
        if (items.Count == 0)
        {
            text.Append(EmptyText(value.Kind)).Append('\n');
            return;
        }

        var isPairs = value.Kind is RespValueKind.Map or RespValueKind.Attribute;
        var entries = isPairs ? items.Count / 2 : items.Count;
        var indexWidth = entries.ToString(CultureInfo.InvariantCulture).Length;
        var nestedPrefix = prefix + new string(' ', indexWidth + 2);
        var separator = value.Kind switch
        {
            RespValueKind.Set => '~',
            RespValueKind.Map => '#',
            RespValueKind.Attribute => '|',
            _ => ')',
        };
        for (var i = 0; i < entries; i++)
        {
            // The first entry continues the line the parent already started.
            text.Append(i == 0 ? "" : prefix)
                .Append((i + 1).ToString(CultureInfo.InvariantCulture).PadLeft(indexWidth))
                .Append(separator).Append(' ');
            AppendEntry(text, items, isPairs ? 2 * i : i, isPairs, nestedPrefix);
        }
    }

    private static void AppendEntry(StringBuilder text, IReadOnlyList<RespValue> items, int index, bool isPair, string prefix)
    {
        Append(text, items[index], prefix);
        if (isPair)
        {
            text.Length--;
            text.Append(" => ");
            Append(text, items[index + 1], prefix);
        }
    }

    private static string EmptyText(RespValueKind kind) => kind switch
    {
        RespValueKind.Array => "(empty array)",
        RespValueKind.Map => "(empty hash)",
        RespValueKind.Set => "(empty set)",
        RespValueKind.Push => "(empty push)",
        _ => "(empty aggregate type)",
    };
}
