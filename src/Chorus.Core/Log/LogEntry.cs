namespace Chorus.Core.Log;

/// <summary>
/// One replicated log entry: where it sits (epoch, LSN), when and where it was written, and
/// what it changes. <see cref="Encoded"/> holds the entry's wire and disk form, so shipping and
/// storing never re-encode.
/// </summary>
public sealed class LogEntry
{
    public LogEntry(LogPosition position, HlcTimestamp timestamp, NodeId origin, PayloadKind kind, ReadOnlyMemory<byte> payload, ReadOnlyMemory<byte> encoded)
    {
        Position = position;
        Timestamp = timestamp;
        Origin = origin;
        Kind = kind;
        Payload = payload;
        Encoded = encoded;
    }

    public LogPosition Position { get; }

    public Lsn Lsn => Position.Lsn;

    public Epoch Epoch => Position.Epoch;

    public HlcTimestamp Timestamp { get; }

    public NodeId Origin { get; }

    public PayloadKind Kind { get; }

    /// <summary>The payload bytes, a slice of <see cref="Encoded"/>.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>The whole entry as <see cref="LogEntryCodec"/> writes it.</summary>
    public ReadOnlyMemory<byte> Encoded { get; }

    public static LogEntry Create(LogPosition position, HlcTimestamp timestamp, NodeId origin, PayloadKind kind, ReadOnlySpan<byte> payload) =>
        LogEntryCodec.Decode(LogEntryCodec.Encode(position, timestamp, origin, kind, payload));

    public override string ToString() => $"entry {Position} {Kind} {Payload.Length}B from {Origin} at {Timestamp}";
}
