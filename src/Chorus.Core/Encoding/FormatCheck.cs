namespace Chorus.Core.Encoding;

/// <summary>The two checks every versioned record decoder makes: a known format, no trailing bytes.</summary>
public static class FormatCheck
{
    public static void Version(byte found, byte supported, string what)
    {
        if (found != supported)
        {
            throw new CorruptDataException($"{what} format version {found} is not supported (this build reads version {supported})");
        }
    }

    public static void End(ByteReader reader, string what)
    {
        if (!reader.IsEnd)
        {
            throw new CorruptDataException($"{reader.Remaining} trailing bytes after the {what}");
        }
    }
}
