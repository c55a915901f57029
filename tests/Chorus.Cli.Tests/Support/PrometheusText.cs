using System.Globalization;

namespace Chorus.Cli.Tests.Support;

/// <summary>
/// The samples of a Prometheus text exposition (what a node's /metrics serves): each line
/// <c>name{label="value",…} number</c>, comments skipped. Enough for tests to read a counter or a
/// histogram bucket; not a general parser (label values holding commas or escaped quotes are not
/// expected in Chorus's metrics).
/// </summary>
internal sealed class PrometheusText
{
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _samples;

    private PrometheusText(List<(string, Dictionary<string, string>, double)> samples) => _samples = samples;

    public static PrometheusText Parse(string text)
    {
        var samples = new List<(string, Dictionary<string, string>, double)>();
        foreach (var line in text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var space = line.LastIndexOf(' ');
            var labels = new Dictionary<string, string>();
            string name;
            if (brace >= 0 && brace < space)
            {
                name = line[..brace];
                var close = line.LastIndexOf('}');
                foreach (var pair in line[(brace + 1)..close].Split(',', StringSplitOptions.RemoveEmptyEntries))
                {
                    var eq = pair.IndexOf('=', StringComparison.Ordinal);
                    labels[pair[..eq]] = pair[(eq + 1)..].Trim('"');
                }
                space = line.IndexOf(' ', close);
            }
            else
            {
                name = line[..space];
            }
            // A sample may end with a timestamp after its value.
            var value = line[(space + 1)..].Split(' ')[0];
            samples.Add((name, labels, double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture)));
        }
        return new PrometheusText(samples);
    }

    /// <summary>
    /// The one sample named <paramref name="name"/> with these labels (others may be present); a
    /// bucket bound compares as a number. None is 0: a histogram has no series until its first
    /// recording (so a test should expect a change, which a misspelt name never shows).
    /// </summary>
    public long Value(string name, params (string Name, string Value)[] labels)
    {
        var matching = _samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Name, out var v) && SameLabel(v, l.Value))).ToList();
        if (matching.Count > 1)
        {
            Assert.Fail($"{matching.Count} samples of {name}{{{string.Join(',', labels.Select(l => $"{l.Name}=\"{l.Value}\""))}}}");
        }
        return matching.Count == 0 ? 0 : (long)matching[0].Value;
    }

    private static bool SameLabel(string actual, string expected) =>
        actual == expected
        || (double.TryParse(actual, NumberStyles.Float, CultureInfo.InvariantCulture, out var a)
            && double.TryParse(expected, NumberStyles.Float, CultureInfo.InvariantCulture, out var e) && a == e);
}
