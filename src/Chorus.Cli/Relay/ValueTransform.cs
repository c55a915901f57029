using System.Security.Cryptography;
using System.Text;

namespace Chorus.Cli.Relay;

/// <summary>
/// What a trigger does to a field's value on its way to the target (<c>project.transform</c>):
/// normalise it, or keep personal data out of the target while rows stay joinable (sha256).
/// </summary>
internal enum ValueTransform
{
    /// <summary>Lower case (invariant culture).</summary>
    Lower,

    /// <summary>Upper case (invariant culture).</summary>
    Upper,

    /// <summary>Leading and trailing white space removed.</summary>
    Trim,

    /// <summary>The SHA-256 of the value's UTF-8 bytes, as 64 lower-case hex digits: equal values stay equal, the value itself does not leave.</summary>
    Sha256,

    /// <summary>The value replaced by "***" (the field stays, so the target knows it was set).</summary>
    Redact,
}

internal static class ValueTransforms
{
    public const string Known = "lower, upper, trim, sha256, redact";

    public static bool TryParse(string name, out ValueTransform transform)
    {
        (var known, transform) = name.ToLowerInvariant() switch
        {
            "lower" => (true, ValueTransform.Lower),
            "upper" => (true, ValueTransform.Upper),
            "trim" => (true, ValueTransform.Trim),
            "sha256" => (true, ValueTransform.Sha256),
            "redact" => (true, ValueTransform.Redact),
            _ => (false, default),
        };
        return known;
    }

    public static string Apply(this ValueTransform transform, string value) => transform switch
    {
        ValueTransform.Lower => value.ToLowerInvariant(),
        ValueTransform.Upper => value.ToUpperInvariant(),
        ValueTransform.Trim => value.Trim(),
        ValueTransform.Sha256 => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value))),
        ValueTransform.Redact => "***",
        _ => throw new ArgumentOutOfRangeException(nameof(transform), transform, null),
    };
}
