namespace Chorus.Server.Dashboard;

/// <summary>
/// The page, its script and its styles, embedded in this assembly (Dashboard/Assets): the node
/// serves everything the dashboard needs, so it works with no internet access.
/// </summary>
internal static class DashboardAssets
{
    public sealed record Asset(string Path, string ContentType, byte[] Bytes);

    public static readonly IReadOnlyList<Asset> All =
    [
        Load("/", "index.html", "text/html; charset=utf-8"),
        Load("/dashboard.js", "dashboard.js", "text/javascript; charset=utf-8"),
        Load("/dashboard.css", "dashboard.css", "text/css; charset=utf-8"),
        Load("/favicon.svg", "favicon.svg", "image/svg+xml"),
    ];

    private static Asset Load(string path, string file, string contentType)
    {
        var name = "Chorus.Server.Dashboard.Assets." + file;
        using var stream = typeof(DashboardAssets).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"the dashboard asset {name} is not embedded in this build");
        using var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        return new Asset(path, contentType, bytes.ToArray());
    }
}
