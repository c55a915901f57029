using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Chorus.Server.Dashboard;

/// <summary>
/// The dashboard on the node's HTTP port: the page and its assets at /, the whole state as JSON
/// at /api/status, and a server-sent event per second at /api/events. Read-only.
/// </summary>
internal static class DashboardEndpoints
{
    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        services.AddSingleton<DashboardFeed>();
        services.AddHostedService(provider => provider.GetRequiredService<DashboardFeed>());
        return services;
    }

    public static void MapDashboard(this IEndpointRouteBuilder web, string host)
    {
        foreach (var asset in DashboardAssets.All)
        {
            web.MapGet(asset.Path, (HttpContext http) => Serve(http, asset)).RequireHost(host);
        }
        web.MapGet("/api/status", (DashboardFeed feed) => Results.Json(feed.State(), DashboardJson.Options)).RequireHost(host);
        web.MapGet("/api/events", StreamAsync).RequireHost(host);
    }

    private static Task Serve(HttpContext http, DashboardAssets.Asset asset)
    {
        var response = http.Response;
        response.ContentType = asset.ContentType;
        response.Headers.CacheControl = "no-cache";
        // Everything the page uses comes from this node: the policy makes a stray external
        // reference fail loudly in the browser instead of quietly needing the internet.
        response.Headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:";
        response.Headers.XContentTypeOptions = "nosniff";
        return response.Body.WriteAsync(asset.Bytes, http.RequestAborted).AsTask();
    }

    private static async Task StreamAsync(HttpContext http, DashboardFeed feed, IHostApplicationLifetime lifetime)
    {
        if (!feed.TryAddViewer())
        {
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await http.Response.WriteAsync($"too many dashboard viewers (at most {DashboardFeed.ViewersMax} at once)", http.RequestAborted);
            return;
        }
        try
        {
            // Ends with the connection, or when the node stops (else a page left open would hold up the shutdown).
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
            await StreamEventsAsync(http, feed, stop.Token);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested || lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // the page went away or the node is stopping
        }
        finally
        {
            feed.RemoveViewer();
        }
    }

    private static async Task StreamEventsAsync(HttpContext http, DashboardFeed feed, CancellationToken cancellationToken)
    {
        var response = http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        // After a lost connection (the node restarting), the browser retries every second.
        await response.WriteAsync("retry: 1000\n\n", cancellationToken);
        await response.Body.WriteAsync(feed.StateEvent(), cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
        while (true)
        {
            var next = await feed.NextEventAsync(cancellationToken);
            await response.Body.WriteAsync(next, cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
        }
    }
}
