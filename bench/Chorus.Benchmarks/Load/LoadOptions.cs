using System.Globalization;

namespace Chorus.Benchmarks.Load;

/// <summary><c>--name value</c> pairs and bare <c>--flag</c>s.</summary>
public sealed class LoadOptions
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public LoadOptions(IEnumerable<string> args)
    {
        string? name = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (name is not null)
                {
                    _values[name] = "true";
                }
                name = arg[2..];
            }
            else if (name is not null)
            {
                _values[name] = arg;
                name = null;
            }
        }
        if (name is not null)
        {
            _values[name] = "true";
        }
    }

    public string Text(string name, string fallback) => _values.GetValueOrDefault(name, fallback);

    public long Number(string name, long fallback) =>
        _values.TryGetValue(name, out var text) ? long.Parse(text, CultureInfo.InvariantCulture) : fallback;

    public bool Flag(string name) => _values.ContainsKey(name);

    public int[] Ports(string name) =>
        [.. Text(name, "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture))];
}
