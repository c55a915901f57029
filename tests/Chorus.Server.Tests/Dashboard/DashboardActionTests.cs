using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Chorus.Server.Configuration;
using StackExchange.Redis;

namespace Chorus.Server.Tests.Dashboard;

/// <summary>A dashboard node that allows actions, behind a password, with a user that may only read.</summary>
public sealed class ActingDashboardNode : Support.SingleNode
{
    public const string Password = "dashboard-secret";

    public int HttpPort { get; private set; }

    public Uri Actions => new($"http://127.0.0.1:{HttpPort}/api/actions");

    protected override void Configure(ChorusOptions options)
    {
        HttpPort = options.HttpPort;
        options.RequirePass = Password;
        options.DashboardActions = true;
    }

    protected override void ConfigureClient(ConfigurationOptions client) => client.Password = Password;
}

/// <summary>
/// The dashboard's actions (issue 16: "actions only where the operator has enabled them, and
/// only for an authenticated user"): off by default; when on, each action is the operator's
/// command run as the caller's ACL user, so a missing or wrong password, a user without the
/// permission, a request from another site's page and bad input are each refused with a clear
/// reason, and a permitted one does what the command does.
/// </summary>
public sealed class DashboardActionTests(ActingDashboardNode node) : IClassFixture<ActingDashboardNode>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Without_or_with_wrong_credentials_an_action_asks_for_them()
    {
        using var http = new HttpClient();
        var anonymous = await PostAsync(http, new { action = "add-learner", id = "n7", peer = "127.0.0.1:1", client = "127.0.0.1:2" });
        Assert.Equal((HttpStatusCode.Unauthorized, "NOAUTH Authentication required."), anonymous.Outcome);
        Assert.StartsWith("Basic realm=\"Chorus dashboard\"", anonymous.Challenge);
        var wrong = await PostAsync(http, new { action = "add-learner", id = "n7", peer = "127.0.0.1:1", client = "127.0.0.1:2" }, "default", "guess");
        Assert.Equal((HttpStatusCode.Unauthorized, "WRONGPASS invalid username-password pair or user is disabled."), wrong.Outcome);
        Assert.DoesNotContain("n7", await MembersAsync());
    }

    [Fact]
    public async Task A_user_without_the_permission_is_refused_as_RESP_refuses_it()
    {
        await node.Redis.GetServer("127.0.0.1", node.Port).ExecuteAsync("ACL", "SETUSER", "viewer", "on", ">view", "+@read");
        using var http = new HttpClient();
        var refused = await PostAsync(http, new { action = "add-learner", id = "n8", peer = "127.0.0.1:1", client = "127.0.0.1:2" }, "viewer", "view");
        Assert.Equal(HttpStatusCode.Forbidden, refused.Outcome.Status);
        Assert.StartsWith("NOPERM", refused.Outcome.Error);
        Assert.DoesNotContain("n8", await MembersAsync());
    }

    [Fact]
    public async Task Bad_requests_and_other_sites_pages_are_refused_before_anything_runs()
    {
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(http, new { action = "reboot" }, "default", ActingDashboardNode.Password)).Outcome.Status);
        var unknown = await PostAsync(http, new { action = "failover", target = "n9" }, "default", ActingDashboardNode.Password);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Outcome.Status);
        Assert.StartsWith("failover: no member 'n9' (members: n1", unknown.Outcome.Error);
        var missing = await PostAsync(http, new { action = "add-learner", id = "n5" }, "default", ActingDashboardNode.Password);
        Assert.Equal(HttpStatusCode.BadRequest, missing.Outcome.Status);

        using var form = new HttpRequestMessage(HttpMethod.Post, node.Actions) { Content = new StringContent("action=failover", Encoding.UTF8, "application/x-www-form-urlencoded") };
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await http.SendAsync(form, Cancel)).StatusCode);

        using var crossSite = Request(new { action = "add-learner", id = "n6", peer = "127.0.0.1:1", client = "127.0.0.1:2" }, "default", ActingDashboardNode.Password);
        crossSite.Headers.Add("Origin", "http://evil.example");
        using var response = await http.SendAsync(crossSite, Cancel);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain("n6", await MembersAsync());
    }

    [Fact]
    public async Task A_permitted_user_adds_a_learner_and_a_refused_command_says_why_in_redis_words()
    {
        using var http = new HttpClient();
        var added = await PostAsync(http, new { action = "add-learner", id = "n4", peer = "127.0.0.1:1", client = "127.0.0.1:2" }, "default", ActingDashboardNode.Password);
        Assert.Equal(HttpStatusCode.OK, added.Outcome.Status);
        try
        {
            Assert.Contains("n4", await MembersAsync());
        }
        finally
        {
            await node.Redis.GetServer("127.0.0.1", node.Port).ExecuteAsync("CHORUS.NODE", "REMOVE", "n4");
        }

        // FAILOVER to the leader itself: the command's own refusal, passed on.
        var self = await PostAsync(http, new { action = "failover", target = "n1" }, "default", ActingDashboardNode.Password);
        Assert.Equal(HttpStatusCode.Conflict, self.Outcome.Status);
        Assert.StartsWith("ERR", self.Outcome.Error);
    }

    /// <summary>CHORUS.NODE LIST, flattened to its words.</summary>
    private async Task<IReadOnlyList<string>> MembersAsync() =>
        Words(await node.Redis.GetServer("127.0.0.1", node.Port).ExecuteAsync("CHORUS.NODE", "LIST")).ToList();

    private static IEnumerable<string> Words(RedisResult result) =>
        result.Resp2Type == ResultType.Array ? ((RedisResult[])result!).SelectMany(Words) : [result.ToString()];

    private HttpRequestMessage Request(object body, string? user, string? password)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, node.Actions) { Content = JsonContent.Create(body) };
        if (user is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        }
        return request;
    }

    private async Task<((HttpStatusCode Status, string? Error) Outcome, string? Challenge)> PostAsync(HttpClient http, object body, string? user = null, string? password = null)
    {
        using var request = Request(body, user, password);
        // JsonContent streams without a length; the endpoint wants one (it refuses large bodies unread).
        await request.Content!.LoadIntoBufferAsync(Cancel);
        using var response = await http.SendAsync(request, Cancel);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel));
        var error = json.RootElement.TryGetProperty("error", out var e) ? e.GetString() : null;
        return ((response.StatusCode, error), response.Headers.WwwAuthenticate.FirstOrDefault()?.ToString());
    }
}
