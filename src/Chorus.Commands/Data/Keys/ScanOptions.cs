using System.Text;
using Chorus.Commands.Data.Numbers;
using Chorus.Commands.Execution;
using Chorus.Commands.Values;
using Chorus.Resp;

namespace Chorus.Commands.Data.Keys;

/// <summary>SCAN's COUNT, and its MATCH and TYPE filters. Logically expired keys never pass.</summary>
internal sealed class ScanOptions
{
    private const long CountDefault = 10;

    private byte[]? _pattern;
    private byte[]? _typeName;

    /// <summary>How many stored keys a call visits (at least; it finishes the last hash group).</summary>
    public long Count { get; private set; } = CountDefault;

    /// <summary>
    /// Parses the options after the cursor (at <paramref name="first"/>) with Redis's rules; TYPE
    /// only for SCAN. False after writing the error.
    /// </summary>
    public static bool TryParse(RespCommand command, RespWriter reply, out ScanOptions options, int first = 2, bool allowType = true)
    {
        options = new ScanOptions();
        for (var i = first; i < command.ArgumentCount; i += 2)
        {
            var hasValue = i + 1 < command.ArgumentCount;
            if (hasValue && command.ArgumentIs(i, "COUNT"u8))
            {
                if (!IntegerText.TryParse(command[i + 1], out var count))
                {
                    reply.WriteError(Errors.NotInteger);
                    return false;
                }
                options.Count = count;
                if (count < 1)
                {
                    reply.WriteError(Errors.Syntax);
                    return false;
                }
            }
            else if (hasValue && command.ArgumentIs(i, "MATCH"u8))
            {
                // A lone "*" is no filter at all (it would not even match an empty key).
                options._pattern = command[i + 1] is [(byte)'*'] ? null : command[i + 1].ToArray();
            }
            else if (hasValue && allowType && command.ArgumentIs(i, "TYPE"u8))
            {
                options._typeName = command[i + 1].ToArray();
            }
            else
            {
                reply.WriteError(Errors.Syntax);
                return false;
            }
        }
        return true;
    }

    /// <summary>Whether an element's name passes MATCH (HSCAN, SSCAN, ZSCAN).</summary>
    public bool Matches(ReadOnlySpan<byte> name) => _pattern is null || GlobPattern.IsMatch(_pattern, name);

    /// <summary>
    /// Whether a stored key goes into the reply. An unknown TYPE name filters out everything,
    /// as in Redis 7 (which has no "unknown type" error yet).
    /// </summary>
    public bool Accepts(ReadOnlySpan<byte> key, ReadOnlySpan<byte> encoded, long nowMs)
    {
        if (_pattern is not null && !GlobPattern.IsMatch(_pattern, key))
        {
            return false;
        }
        var value = KeyRecord.Parse(encoded);
        if (value.IsExpiredAt(nowMs))
        {
            return false;
        }
        return _typeName is null || Ascii.EqualsIgnoreCase(_typeName, DataTypes.Name(value.Type));
    }
}
