using Chorus.Commands.Data.Keys;
using Chorus.Core.Sites;

namespace Chorus.Commands.Sites;

/// <summary>Which conflict policy rule a key falls under.</summary>
public static class PolicyRules
{
    /// <summary>The first rule whose pattern matches the key; null when none does (the key is last-write-wins).</summary>
    public static PolicyRule? RuleOf(SiteSettings settings, ReadOnlySpan<byte> key)
    {
        foreach (var rule in settings.Policies)
        {
            if (GlobPattern.IsMatch(System.Text.Encoding.Latin1.GetBytes(rule.Pattern), key))
            {
                return rule;
            }
        }
        return null;
    }
}
