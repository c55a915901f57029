using System.Globalization;

namespace Chorus.Simulation.Workloads;

/// <summary>Values no other operation writes ("c3.17"), so a read names the write it observed.</summary>
internal sealed class UniqueValues(string client)
{
    private int _next;

    public string Next() => string.Create(CultureInfo.InvariantCulture, $"{client}.{++_next}");
}
