using Chorus.Commands.Execution;
using Chorus.Resp;

namespace Chorus.Server.Configuration;

/// <summary>
/// The node-local limits on clients and writes in force now (CONFIG SET replaces them as a
/// whole, so a connection always sees one consistent set). Redis's names and defaults, except
/// <see cref="Writes"/> (Chorus's own: see <see cref="WriteLimits"/>) and
/// <see cref="MaxMemoryClientsBytes"/> (see docs/security.md).
/// </summary>
public sealed record ClientLimits
{
    /// <summary>Redis's maxclients: connections beyond it get "-ERR max number of clients reached".</summary>
    public int MaxClients { get; init; } = 10000;

    /// <summary>Redis's proto-max-bulk-len: the longest bulk string a client may send.</summary>
    public long ProtoMaxBulkLen { get; init; } = 512L << 20;

    /// <summary>Redis's client-query-buffer-limit: the most bytes one request may carry.</summary>
    public long QueryBufferBytesMax { get; init; } = 1L << 30;

    /// <summary>client-output-buffer-limit for normal clients (Redis's default: none).</summary>
    public OutputBufferLimit Output { get; init; } = OutputBufferLimit.None;

    /// <summary>Redis's maxmemory-clients: the most memory all connections' buffers may hold together (0: no limit).</summary>
    public long MaxMemoryClientsBytes { get; init; }

    /// <summary>maxmemory-clients as configured (bytes, or a percentage of the machine's memory).</summary>
    public string MaxMemoryClientsText { get; init; } = "0";

    /// <summary>chorus-max-write-bytes and the limits that follow from it.</summary>
    public WriteLimits Writes { get; init; } = WriteLimits.Default;

    /// <summary>The parser's limits for one connection.</summary>
    public RespLimits Resp => new() { BulkLengthMax = ProtoMaxBulkLen, RequestLengthMax = QueryBufferBytesMax };
}

/// <summary>
/// Redis's client-output-buffer-limit for one class: a client whose pending replies pass
/// <see cref="HardBytes"/>, or stay above <see cref="SoftBytes"/> for <see cref="SoftSeconds"/>,
/// is disconnected. Zero disables a limit.
/// </summary>
public readonly record struct OutputBufferLimit(long HardBytes, long SoftBytes, int SoftSeconds)
{
    public static OutputBufferLimit None => default;

    public bool IsSet => HardBytes > 0 || SoftBytes > 0;
}
