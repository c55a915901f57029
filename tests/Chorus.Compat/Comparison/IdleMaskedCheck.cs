using Chorus.Resp;

namespace Chorus.Compat.Comparison;

/// <summary>
/// Consumer-group replies that carry idle times (XPENDING's rows, XINFO CONSUMERS' "idle"): each
/// server measures them against its own clock, so they are masked, as Redis's own tests do, and
/// everything else compared exactly. An XPENDING row is <c>[id, consumer, idle, deliveries]</c>.
/// </summary>
internal sealed class IdleMaskedCheck : ReplyCheck
{
    public static IdleMaskedCheck Instance { get; } = new();

    public override string? Compare(RespValue redis, RespValue chorus) =>
        Mask(redis).Equals(Mask(chorus)) ? null : "the replies differ (idle times masked)";

    private static RespValue Mask(RespValue value)
    {
        if (value.Kind is not (RespValueKind.Array or RespValueKind.Map))
        {
            return value;
        }
        var items = value.Items.Select(Mask).ToArray();
        if (items.Length == 4 && items[1].Kind == RespValueKind.BulkString && items[2].Kind == RespValueKind.Integer && items[3].Kind == RespValueKind.Integer)
        {
            items[2] = RespValue.FromInteger(0);
        }
        for (var i = 0; i + 1 < items.Length; i++)
        {
            if (items[i].Kind == RespValueKind.BulkString && items[i].AsString() == "idle" && items[i + 1].Kind == RespValueKind.Integer)
            {
                items[i + 1] = RespValue.FromInteger(0);
            }
        }
        return value.Kind == RespValueKind.Map ? RespValue.Map(items) : RespValue.Array(items);
    }
}
