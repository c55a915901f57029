using System.Text;

namespace Chorus.Scripting;

/// <summary>
/// The first line of a library's code, Redis 7.0's shebang: <c>#!lua name=&lt;library&gt;</c>.
/// Parsed as Redis does (functionExtractLibMetaData): the engine is the first word, empty words are
/// skipped, every other word must be <c>name=...</c>, given once; then the engine must be Lua and
/// the name letters, digits and underscores.
/// </summary>
public static class LibraryMetadata
{
    public const string BadName = "ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long";

    /// <summary>The library's name, or Redis's error (<paramref name="error"/>) when the code has no valid shebang.</summary>
    public static string? Parse(ReadOnlySpan<byte> code, out string? error)
    {
        error = null;
        if (!code.StartsWith("#!"u8))
        {
            error = "ERR Missing library metadata";
            return null;
        }
        var end = code.IndexOf((byte)'\n');
        if (end < 0)
        {
            error = "ERR Invalid library metadata";
            return null;
        }
        var words = Encoding.UTF8.GetString(code[2..end]).Split(' ');
        string? name = null;
        foreach (var word in words.Skip(1))
        {
            if (word.Length == 0)
            {
                continue;
            }
            if (!word.StartsWith("name=", StringComparison.Ordinal))
            {
                error = $"ERR Invalid metadata value given: {word}";
                return null;
            }
            if (name is not null)
            {
                error = "ERR Invalid metadata value, name argument was given multiple times";
                return null;
            }
            name = word["name=".Length..];
        }
        if (name is null)
        {
            error = "ERR Library name was not given";
        }
        else if (!words[0].Equals("lua", StringComparison.OrdinalIgnoreCase))
        {
            error = $"ERR Engine '{words[0]}' not found";
        }
        else if (!IsValidName(name))
        {
            error = BadName;
        }
        return error is null ? name : null;
    }

    /// <summary>Letters, digits and underscores, at least one (library and function names alike).</summary>
    public static bool IsValidName(string name) => name.Length > 0 && name.All(c => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_');

    /// <summary>
    /// The code Lua compiles: the shebang line emptied (Lua does not skip it in a buffer), so line
    /// numbers in errors stay those of the code as sent.
    /// </summary>
    public static byte[] Body(byte[] code)
    {
        var end = Array.IndexOf(code, (byte)'\n');
        return end < 0 ? [] : code[end..];
    }
}
