using Chorus.Resp;

namespace Chorus.Compat.Comparison;

/// <summary>Rewrites a reply's sorted-set scores of -0 (a bulk string in RESP2, a double in RESP3) as 0.</summary>
internal static class NegativeZero
{
    public static RespValue AsZero(RespValue reply) => reply.Kind switch
    {
        RespValueKind.BulkString when reply.AsString() == "-0" => RespValue.BulkString("0"),
        RespValueKind.Double when reply.Double == 0 => RespValue.FromDouble(0.0),
        RespValueKind.Array => RespValue.Array([.. reply.Items.Select(AsZero)]),
        RespValueKind.Map => RespValue.Map([.. reply.Items.Select(AsZero)]),
        RespValueKind.Set => RespValue.Set([.. reply.Items.Select(AsZero)]),
        _ => reply,
    };
}
