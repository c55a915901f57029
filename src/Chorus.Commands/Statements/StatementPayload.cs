using Chorus.Core.Encoding;

namespace Chorus.Commands.Statements;

/// <summary>
/// One statement-format log entry: the command a follower executes again, in the database the
/// client had selected, and — when the leader rewrites for determinism — the leader's clock, so
/// every decision that reads the time (is this key expired? what is "now + 10 s"?) comes out the
/// same everywhere (as MySQL writes SET TIMESTAMP into its statement binlog).
/// </summary>
/// <param name="LeaderNowMs">The leader's time in Unix ms, or null: the follower uses its own clock (rewriting off).</param>
public sealed record Statement(int Db, long? LeaderNowMs, IReadOnlyList<byte[]> Arguments)
{
    /// <summary>The command as redis-cli would show it (rollback files, tests, docs).</summary>
    public override string ToString()
    {
        var text = new System.Text.StringBuilder(System.Text.Encoding.ASCII.GetString(Arguments[0]));
        foreach (var argument in Arguments.Skip(1))
        {
            text.Append(" \"");
            foreach (var b in argument)
            {
                text.Append(b is >= 0x20 and < 0x7F and not (byte)'"' and not (byte)'\\' ? ((char)b).ToString() : $"\\x{b:x2}");
            }
            text.Append('"');
        }
        return text.ToString();
    }
}

/// <summary>
/// The statement payload:
/// <code>u8 version (1) | u8 flags (bit 0: leader clock present) | [varint leader ms] | u8 db | varint argc | (len+arg)*</code>
/// </summary>
public static class StatementPayload
{
    public const byte Version = 1;

    private const byte ClockFlag = 1;

    /// <summary>Arguments a statement may carry (Redis's own bound on a multibulk).</summary>
    private const int ArgumentsMax = 1024 * 1024;

    public static byte[] Encode(Statement statement)
    {
        var length = 3 + VarInt.Length((ulong)statement.Arguments.Count) + (statement.LeaderNowMs is { } now ? VarInt.Length((ulong)now) : 0);
        foreach (var argument in statement.Arguments)
        {
            length += VarInt.Length((ulong)argument.Length) + argument.Length;
        }
        var output = new ExactBufferWriter(length);
        var writer = new ByteWriter(output);
        writer.WriteByte(Version);
        writer.WriteByte(statement.LeaderNowMs is null ? (byte)0 : ClockFlag);
        if (statement.LeaderNowMs is { } nowMs)
        {
            writer.WriteVarUInt((ulong)nowMs);
        }
        writer.WriteByte((byte)statement.Db);
        writer.WriteVarUInt((ulong)statement.Arguments.Count);
        foreach (var argument in statement.Arguments)
        {
            writer.WriteLengthPrefixed(argument);
        }
        return output.ToArray();
    }

    public static Statement Decode(ReadOnlySpan<byte> payload)
    {
        var reader = new ByteReader(payload);
        var version = reader.ReadByte();
        if (version != Version)
        {
            throw new CorruptDataException($"statement payload version {version} is not supported (this build reads version {Version})");
        }
        var flags = reader.ReadByte();
        if ((flags & ~ClockFlag) != 0)
        {
            throw new CorruptDataException($"unknown statement flags {flags}");
        }
        long? nowMs = (flags & ClockFlag) != 0 ? (long)reader.ReadVarUInt() : null;
        var db = Logical.LogicalPayload.ReadDb(ref reader);
        var count = reader.ReadLength(ArgumentsMax);
        if (count == 0)
        {
            throw new CorruptDataException("a statement without a command");
        }
        var arguments = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            arguments[i] = reader.ReadLengthPrefixed().ToArray();
        }
        if (!reader.IsEnd)
        {
            throw new CorruptDataException("trailing bytes after statement payload");
        }
        return new Statement(db, nowMs, arguments);
    }
}
