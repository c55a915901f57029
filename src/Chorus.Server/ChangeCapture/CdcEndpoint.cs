using Chorus.Node.ChangeCapture;
using Chorus.Server.Commands;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace Chorus.Server.ChangeCapture;

/// <summary>
/// GET /cdc?from=&lt;lsn|now&gt;[&amp;epoch=e] on the node's HTTP port: committed changes as
/// newline-delimited JSON, one event per line, for as long as the client stays (docs/cdc.md).
/// After each batch, and every <see cref="HeartbeatMs"/> while nothing is committed, a position
/// line says where to resume. A position behind retention is refused with 410 Gone.
/// </summary>
internal static class CdcEndpoint
{
    /// <summary>How long the stream stays silent at most: a position line then shows the consumer the node is alive.</summary>
    public const long HeartbeatMs = 5000;

    private static readonly byte[] NewLine = "\n"u8.ToArray();

    public static void MapChangeCapture(this IEndpointRouteBuilder web, string host, NodeServices node) =>
        web.MapGet("/cdc", (HttpContext http, IHostApplicationLifetime lifetime) => StreamAsync(http, node, lifetime)).RequireHost(host);

    private static async Task StreamAsync(HttpContext http, NodeServices node, IHostApplicationLifetime lifetime)
    {
        if (CdcAccess.CheckHttp(http, node) is { } refusal)
        {
            await RefuseAsync(http, refusal.Status, refusal.Reason);
            return;
        }
        var query = http.Request.Query;
        var arguments = new List<string> { query["from"].FirstOrDefault() ?? "now" };
        foreach (var name in new[] { "epoch", "count" })
        {
            if (query[name].FirstOrDefault() is { } value)
            {
                arguments.Add(name);
                arguments.Add(value);
            }
        }
        if (CdcRequest.Parse(arguments) is not { } request)
        {
            await RefuseAsync(http, StatusCodes.Status400BadRequest, "bad query: /cdc?from=<lsn|now>[&epoch=e][&count=n] (non-negative integers)");
            return;
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        var feed = node.Driver.Changes;
        var first = feed.Read(request.Cursor(feed), request.Count);
        if (CdcReader.Refusal(first) is { } error)
        {
            await RefuseAsync(http, first.Status == ChangeReadStatus.BehindRetention ? StatusCodes.Status410Gone : StatusCodes.Status501NotImplemented, error);
            return;
        }
        http.Response.ContentType = "application/x-ndjson";
        http.Response.Headers.CacheControl = "no-cache";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        try
        {
            await FollowAsync(http.Response, feed, request, first, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // the consumer went away or the node is stopping
        }
    }

    private static async Task FollowAsync(HttpResponse response, ChangeFeed feed, CdcRequest request, ChangeBatch batch, CancellationToken cancellationToken)
    {
        var waiting = request with { BlockMs = HeartbeatMs };
        while (true)
        {
            if (CdcReader.Refusal(batch) is { } error)
            {
                // Retention overtook a slow consumer mid-stream: say so, and end the stream.
                await WriteLineAsync(response, System.Text.Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(new { type = "error", error })), cancellationToken);
                return;
            }
            foreach (var change in batch.Events)
            {
                await WriteLineAsync(response, change, cancellationToken);
            }
            var next = batch.Next;
            await WriteLineAsync(response, ChangeJson.Position(next.Next.Value, (next.Epoch ?? Core.Epoch.Zero).Value, batch.Committed.Value), cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
            waiting = waiting with { From = next.Next.Value, Epoch = next.Epoch?.Value };
            batch = await CdcReader.ReadAsync(feed, waiting, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private static async Task WriteLineAsync(HttpResponse response, byte[] line, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(line, cancellationToken);
        await response.Body.WriteAsync(NewLine, cancellationToken);
    }

    private static Task RefuseAsync(HttpContext http, int status, string message)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/plain; charset=utf-8";
        return http.Response.WriteAsync(message + "\n", http.RequestAborted);
    }
}
