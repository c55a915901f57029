using Chorus.Core.Encoding;

namespace Chorus.Commands.Statements;

/// <summary>
/// How the leader writes client writes into the replication log (DDIA ch. 5, "Implementation of
/// Replication Logs"; docs/log-formats.md). Each entry's payload kind says how it was written, so
/// a log may mix formats; the format decides only how new entries are written.
/// </summary>
public enum LogFormat : byte
{
    /// <summary>Row-based change images (the default).</summary>
    Logical = 1,

    /// <summary>The command as the client sent it (rewritten to be deterministic unless rewriting is off).</summary>
    Statement = 2,

    /// <summary>The storage engine's write-batch bytes (WAL shipping), tied to the storage format version.</summary>
    Physical = 3,
}

/// <summary>
/// The cluster's log format and whether the leader rewrites nondeterministic statements. A
/// change is a marker entry (<see cref="Core.Log.PayloadKind.LogFormat"/>) in the log: every node
/// learns it at the same position, and a new leader goes on writing in the format its log says.
/// <code>u8 version (1) | u8 format | u8 rewrite (0/1)</code>
/// </summary>
public sealed record LogFormatSetting(LogFormat Format, bool Rewrite = true)
{
    public const byte Version = 1;

    /// <summary>A cluster whose log holds no marker writes logical entries.</summary>
    public static LogFormatSetting Default { get; } = new(LogFormat.Logical);

    public string FormatName => Name(Format);

    public byte[] Encode() => [Version, (byte)Format, Rewrite ? (byte)1 : (byte)0];

    public static LogFormatSetting Decode(ReadOnlySpan<byte> payload)
    {
        if (payload.Length != 3 || payload[0] != Version)
        {
            throw new CorruptDataException($"log format marker of {payload.Length} bytes, version {(payload.IsEmpty ? 0 : payload[0])}, is not supported (this build reads version {Version})");
        }
        var format = (LogFormat)payload[1];
        if (!Enum.IsDefined(format) || payload[2] > 1)
        {
            throw new CorruptDataException($"log format marker names unknown format {payload[1]} or rewrite flag {payload[2]}");
        }
        return new LogFormatSetting(format, payload[2] == 1);
    }

    public static string Name(LogFormat format) => format switch
    {
        LogFormat.Statement => "statement",
        LogFormat.Physical => "physical",
        _ => "logical",
    };

    /// <summary>Parses "statement", "physical" or "logical" (any letter case).</summary>
    public static bool TryParse(string text, out LogFormat format)
    {
        format = text.ToLowerInvariant() switch
        {
            "statement" => LogFormat.Statement,
            "physical" => LogFormat.Physical,
            "logical" => LogFormat.Logical,
            _ => 0,
        };
        return format != 0;
    }

    public override string ToString() => Format == LogFormat.Statement ? $"statement (rewrite {(Rewrite ? "on" : "off")})" : FormatName;
}
