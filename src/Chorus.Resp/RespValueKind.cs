namespace Chorus.Resp;

/// <summary>The RESP2 and RESP3 reply types.</summary>
public enum RespValueKind
{
    SimpleString,

    /// <summary>A simple error (<c>-</c>) or a RESP3 blob error (<c>!</c>).</summary>
    Error,

    Integer,
    BulkString,

    /// <summary>RESP3 <c>_</c>, or RESP2's null bulk string and null array.</summary>
    Null,

    Array,

    /// <summary>Key-value pairs; <see cref="RespValue.Items"/> holds them flat: k, v, k, v.</summary>
    Map,

    Set,
    Double,
    Boolean,
    BigNumber,
    Verbatim,
    Push,

    /// <summary>Out-of-band metadata (<c>|</c>); the parser attaches it to the value it precedes.</summary>
    Attribute,
}
