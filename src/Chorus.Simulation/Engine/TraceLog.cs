using System.Globalization;
using System.Text;

namespace Chorus.Simulation.Engine;

/// <summary>
/// The event trace of one run: one line per event, "time subject text". Identical seeds give
/// identical traces, byte for byte. Disabled in campaigns: callers check <see cref="Enabled"/>
/// before formatting anything, so a disabled trace costs nothing.
/// </summary>
public sealed class TraceLog
{
    private readonly StringBuilder? _text;

    public TraceLog(bool enabled) => _text = enabled ? new StringBuilder() : null;

    public bool Enabled => _text is not null;

    public int Lines { get; private set; }

    public string Text => _text?.ToString() ?? "";

    public void Add(long timeUs, string subject, string text)
    {
        if (_text is null)
        {
            return;
        }
        _text.Append(FormatTime(timeUs)).Append(' ').Append(subject.PadRight(3)).Append(' ').Append(text).Append('\n');
        Lines++;
    }

    /// <summary>Milliseconds with microsecond precision, right-aligned: "  1234.567".</summary>
    public static string FormatTime(long timeUs) =>
        string.Create(CultureInfo.InvariantCulture, $"{timeUs / 1000,7}.{timeUs % 1000:D3}");
}
