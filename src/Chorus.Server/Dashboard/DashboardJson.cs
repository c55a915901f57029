using System.Text.Json;

namespace Chorus.Server.Dashboard;

/// <summary>How the dashboard's JSON is written: camelCase names, as JavaScript reads them.</summary>
internal static class DashboardJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
