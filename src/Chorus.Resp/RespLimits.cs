namespace Chorus.Resp;

/// <summary>
/// Bounds on what a client may send. Defaults are Redis's, so clients that work against Redis
/// work here and a misbehaving one is cut off at the same points.
/// </summary>
public sealed class RespLimits
{
    /// <summary>The limits Redis ships with.</summary>
    public static RespLimits Default { get; } = new();

    /// <summary>Largest bulk string argument (Redis <c>proto-max-bulk-len</c>, 512 MiB).</summary>
    public long BulkLengthMax { get; init; } = 512L * 1024 * 1024;

    /// <summary>Most arguments in one multibulk request (Redis's multibulk length limit).</summary>
    public int ArgumentCountMax { get; init; } = 1024 * 1024;

    /// <summary>
    /// Longest inline request line and longest multibulk header line (Redis
    /// <c>PROTO_INLINE_MAX_SIZE</c>, 64 KiB).
    /// </summary>
    public int InlineLengthMax { get; init; } = 64 * 1024;

    /// <summary>
    /// Most argument bytes in one request (Redis <c>client-query-buffer-limit</c>, 1 GiB).
    /// Without it, <see cref="ArgumentCountMax"/> times <see cref="BulkLengthMax"/> is unbounded.
    /// </summary>
    public long RequestLengthMax { get; init; } = 1024L * 1024 * 1024;
}
