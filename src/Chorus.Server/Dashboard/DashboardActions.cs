using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Chorus.Commands.Execution;
using Chorus.Resp;
using Chorus.Server.Commands;
using Chorus.Server.Resp;
using Chorus.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Chorus.Server.Dashboard;

/// <summary>
/// The dashboard's actions (POST /api/actions): fail over to a member, add a learner. Off unless
/// the node runs with --dashboard-actions true. Each action is the RESP command an operator
/// would type (FAILOVER TO, CHORUS.NODE ADD), run through the same dispatcher as a client's —
/// authentication, ACL permissions, protected mode and the command's own checks and wording
/// all apply. The caller authenticates with HTTP Basic (an ACL user and its password, or
/// requirepass as the default user); a request from another site's page is refused.
/// </summary>
internal static class DashboardActions
{
    public const string Off = "dashboard actions are off; start the node with --dashboard-actions true to allow them";

    /// <summary>Larger bodies are refused unread: an action is a few short strings.</summary>
    private const int BodyBytesMax = 4096;

    /// <summary>How long FAILOVER TO may take to hand over before it gives up and the old leader carries on.</summary>
    public const int FailoverTimeoutMs = 10_000;

    private const string Realm = "Basic realm=\"Chorus dashboard\", charset=\"UTF-8\"";

    public static void MapDashboardActions(this IEndpointRouteBuilder web, string host) =>
        web.MapPost("/api/actions", RunAsync).RequireHost(host);

    /// <summary>What the page sends: the action and its arguments.</summary>
    internal sealed record ActionRequest(string? Action, string? Target, string? Id, string? Peer, string? Client);

    private static async Task<IResult> RunAsync(HttpContext http, NodeServices node, CommandDispatcher dispatcher)
    {
        if (!node.Options.DashboardActions)
        {
            return Refused(StatusCodes.Status403Forbidden, Off);
        }
        if (!SameOrigin(http.Request))
        {
            // A page from another site could otherwise make the operator's browser act here.
            return Refused(StatusCodes.Status403Forbidden, "refused: the request comes from another site's page");
        }
        if (!http.Request.HasJsonContentType())
        {
            return Refused(StatusCodes.Status415UnsupportedMediaType, "send the action as JSON (Content-Type: application/json)");
        }
        if (http.Request.ContentLength is null or > BodyBytesMax)
        {
            return Refused(StatusCodes.Status413PayloadTooLarge, $"an action is at most {BodyBytesMax} bytes, with its length given");
        }
        ActionRequest? request;
        try
        {
            request = await http.Request.ReadFromJsonAsync<ActionRequest>(DashboardJson.Options, http.RequestAborted);
        }
        catch (JsonException e)
        {
            return Refused(StatusCodes.Status400BadRequest, $"the action is not valid JSON: {e.Message}");
        }
        if (Command(request, node, out var problem) is not { } command)
        {
            return Refused(StatusCodes.Status400BadRequest, problem);
        }
        if (node.Access.RefusesRemote(RemoteEndPoint(http), node.ProtectedMode))
        {
            return Refused(StatusCodes.Status403Forbidden, RespConnectionHandler.ProtectedModeError);
        }
        if (!Authenticate(http.Request, node.Access, out var user, out var authError))
        {
            http.Response.Headers.WWWAuthenticate = Realm;
            return Refused(StatusCodes.Status401Unauthorized, authError);
        }
        var reply = await ExecuteAsync(dispatcher, node, user!, command, RemoteEndPoint(http), http.RequestAborted);
        if (!reply.IsError)
        {
            return Results.Json(new { command = string.Join(' ', command), reply = reply.AsString() }, DashboardJson.Options);
        }
        var error = reply.AsString() ?? "";
        return Refused(error.StartsWith("NOPERM", StringComparison.Ordinal) ? StatusCodes.Status403Forbidden : StatusCodes.Status409Conflict, error);
    }

    /// <summary>The RESP command for <paramref name="request"/>, or null and why not.</summary>
    private static string[]? Command(ActionRequest? request, NodeServices node, out string problem)
    {
        problem = "";
        switch (request?.Action)
        {
            case "failover":
                var members = node.Driver.Status.Settings.Members;
                if (members.FirstOrDefault(m => m.Id.Value == request.Target) is not { } target)
                {
                    problem = $"failover: no member '{request.Target}' (members: {string.Join(", ", members.Select(m => m.Id.Value))})";
                    return null;
                }
                // Members configured by peer address alone tell their client endpoint when they follow.
                var endpoint = !string.IsNullOrEmpty(target.ClientEndpoint) ? target.ClientEndpoint
                    : node.Driver.Status.Followers.FirstOrDefault(f => f.Id == target.Id)?.ClientEndpoint ?? "";
                var colon = endpoint.LastIndexOf(':');
                if (colon <= 0)
                {
                    problem = $"failover: {target.Id}'s client endpoint is not known here (it is not following this node)";
                    return null;
                }
                return ["FAILOVER", "TO", endpoint[..colon], endpoint[(colon + 1)..], "TIMEOUT", FailoverTimeoutMs.ToString(System.Globalization.CultureInfo.InvariantCulture)];
            case "add-learner":
                if (string.IsNullOrWhiteSpace(request.Id) || string.IsNullOrWhiteSpace(request.Peer) || string.IsNullOrWhiteSpace(request.Client))
                {
                    problem = "add-learner needs id, peer (host:port of its peer port) and client (host:port of its RESP port)";
                    return null;
                }
                return ["CHORUS.NODE", "ADD", request.Id, request.Peer, request.Client];
            default:
                problem = $"unknown action '{request?.Action}'; known: failover, add-learner";
                return null;
        }
    }

    /// <summary>Browsers send Origin on a cross-site POST; a request without one is not from a page.</summary>
    private static bool SameOrigin(HttpRequest request) =>
        !request.Headers.Origin.Any() || request.Headers.Origin.ToString() == $"{request.Scheme}://{request.Host}";

    /// <summary>HTTP Basic credentials, checked as AUTH checks them; none means the default user, if it needs no password.</summary>
    private static bool Authenticate(HttpRequest request, AccessControl access, out AclUser? user, out string error)
    {
        error = "";
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header) || header.Scheme != "Basic" || header.Parameter is null)
        {
            user = access.InitialUser();
            error = "NOAUTH Authentication required.";
            return user is not null;
        }
        string pair;
        try
        {
            pair = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
        }
        catch (FormatException)
        {
            pair = "";
        }
        var colon = pair.IndexOf(':', StringComparison.Ordinal);
        user = colon < 0 ? null : access.Authenticate(colon == 0 ? "default" : pair[..colon], pair[(colon + 1)..]);
        error = "WRONGPASS invalid username-password pair or user is disabled.";
        return user is not null;
    }

    /// <summary>Runs <paramref name="command"/> as a client session of <paramref name="user"/> and returns its reply.</summary>
    private static async Task<RespValue> ExecuteAsync(CommandDispatcher dispatcher, NodeServices node, AclUser user, string[] command, EndPoint? remote, CancellationToken cancellationToken)
    {
        using var session = new ClientSession(remote, node.NowMs, new ReadContext(node.Storage, new Random(Random.Shared.Next())))
        {
            User = user,
            UserVersion = node.Access.Version,
        };
        session.Requests.Add(command);
        // The reply is a line or two; never pause the dispatcher's writes.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        await dispatcher.ExecuteAsync(session, pipe.Writer, cancellationToken);
        await pipe.Writer.CompleteAsync();
        var read = await pipe.Reader.ReadAsync(cancellationToken);
        var reader = new SequenceReader<byte>(read.Buffer);
        var status = RespReplyParser.TryParse(ref reader, out var reply);
        await pipe.Reader.CompleteAsync();
        return status == OperationStatus.Done ? reply! : throw new InvalidOperationException($"the dispatcher wrote no complete reply to {command[0]}");
    }

    private static EndPoint? RemoteEndPoint(HttpContext http) =>
        http.Connection.RemoteIpAddress is { } address ? new IPEndPoint(address, http.Connection.RemotePort) : null;

    private static IResult Refused(int status, string error) => Results.Json(new { error }, DashboardJson.Options, statusCode: status);
}
