using System.Text;
using Chorus.Commands.Values;
using Chorus.Core.Sites;

namespace Chorus.Server.Hosting;

/// <summary>How a versioned value is shown to people (the conflict file, CHORUS.CONFLICTS, CHORUS.SIBLINGS).</summary>
public static class ConflictText
{
    /// <summary>A value's bytes: UTF-8 text when they are valid text, "base64:..." otherwise.</summary>
    public static string Bytes(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (ArgumentException)
        {
            return "base64:" + Convert.ToBase64String(bytes);
        }
    }

    /// <summary>The value a sibling holds as a client would read it (a string's bytes; a hash or set by type), or null for a deletion.</summary>
    public static string? Value(SiteSibling sibling)
    {
        if (sibling.Value is not { } record)
        {
            return null;
        }
        var value = KeyRecord.ParseImage(record);
        return value.Type == DataType.String ? Bytes(value.Payload) : $"({DataTypes.Name(value.Type)}, {value.Count} elements)";
    }

    public static object Describe(SiteSibling sibling) => new
    {
        value = Value(sibling),
        deleted = sibling.IsDeletion,
        site = sibling.Version.Site.Value,
        hlc = sibling.Version.Timestamp.ToString(),
        clock = sibling.Version.Clock.ToString(),
    };
}
