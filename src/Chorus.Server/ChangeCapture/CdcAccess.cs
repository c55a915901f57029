using System.Net;
using System.Text;
using Chorus.Server.Commands;
using Chorus.Server.Security;
using Microsoft.AspNetCore.Http;

namespace Chorus.Server.ChangeCapture;

/// <summary>
/// Who may read change data capture: it shows every key's values, so a user needs CHORUS.CDC and
/// read access to all keys (<c>~*</c> or <c>%R~*</c>). Over HTTP the same users sign in with Basic
/// authentication (user name and password as for AUTH); while the default user needs no password,
/// protected mode keeps non-loopback callers out, as on the RESP port.
/// </summary>
internal static class CdcAccess
{
    public const string KeysDenied = "NOPERM change data capture shows every key: this user needs read access to all keys (~* or %R~*)";

    public static bool MayReadAllKeys(AclUser user) => user.KeyPatterns.Any(p => p.Pattern == "*" && p.Read);

    /// <summary>Null when the HTTP caller may read; else the status and the reason.</summary>
    public static (int Status, string Reason)? CheckHttp(HttpContext http, NodeServices node)
    {
        var access = node.Access;
        var user = access.InitialUser();
        if (user is null)
        {
            if (Basic(http.Request.Headers.Authorization.FirstOrDefault()) is not { } credentials
                || access.Authenticate(credentials.Name, credentials.Password) is not { } signedIn)
            {
                http.Response.Headers.WWWAuthenticate = "Basic realm=\"chorus\"";
                return (StatusCodes.Status401Unauthorized, "authentication required: HTTP Basic with a user name and password that AUTH accepts");
            }
            user = signedIn;
        }
        else if (access.RefusesRemote(new IPEndPoint(http.Connection.RemoteIpAddress ?? IPAddress.None, http.Connection.RemotePort), node.ProtectedMode))
        {
            return (StatusCodes.Status403Forbidden, "protected mode: the default user has no password, so only loopback clients may read change data capture");
        }
        if (!user.MayRun(CdcCommand.Command.Spec, null))
        {
            return (StatusCodes.Status403Forbidden, $"NOPERM user '{user.Name}' has no permissions to run the 'chorus.cdc' command");
        }
        return MayReadAllKeys(user) ? null : (StatusCodes.Status403Forbidden, KeysDenied);
    }

    private static (string Name, string Password)? Basic(string? header)
    {
        if (header is null || !header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : (text[..colon], text[(colon + 1)..]);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
