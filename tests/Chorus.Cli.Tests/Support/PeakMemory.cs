using System.Globalization;

namespace Chorus.Cli.Tests.Support;

/// <summary>
/// A process's peak resident memory over a stretch of time, from Linux's own accounting:
/// writing 5 to /proc/&lt;pid&gt;/clear_refs resets the high-water mark (VmHWM) to the current
/// resident size (VmRSS), so VmHWM read afterwards is the peak since — however briefly it lasted,
/// which no sampling would promise.
/// </summary>
internal static class PeakMemory
{
    /// <summary>Resets the process's high-water mark; returns its resident bytes now.</summary>
    public static long Reset(int pid)
    {
        File.WriteAllText($"/proc/{pid}/clear_refs", "5");
        return Field(pid, "VmRSS");
    }

    /// <summary>The largest resident size, in bytes, since the last <see cref="Reset"/>.</summary>
    public static long Peak(int pid) => Field(pid, "VmHWM");

    /// <summary>A "Name:   1234 kB" line of /proc/&lt;pid&gt;/status, in bytes.</summary>
    private static long Field(int pid, string name)
    {
        var line = File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith(name + ":", StringComparison.Ordinal));
        var kilobytes = line[(name.Length + 1)..].Trim().Split(' ')[0];
        return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
    }
}
