using System.Globalization;
using Chorus.Cli.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chorus.Cli.Tests;

/// <summary>
/// The dashboard (DESIGN §7, issue 16) in a real browser — Debian's chromium, headless, driven
/// by Playwright — against a cluster of real node processes: the page shows the three members
/// with the leader marked, fails over from its own button and follows the failover without a reload, and shows a paused follower's
/// lag rising (DDIA ch. 5, "Problems with replication lag"). Every wait is a condition with a
/// deadline. Screenshots of the main views are left in the test's output folder
/// (dashboard-screenshots/); docs/images/ keeps copies.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class DashboardBrowserTests(ITestOutputHelper output)
{
    /// <summary>Generous: the page updates every second, but the machine is shared and loaded.</summary>
    private const float PatienceMs = 60_000;

    private static readonly string Screenshots = Path.Combine(AppContext.BaseDirectory, "dashboard-screenshots");

    [Fact]
    public async Task Dashboard_shows_the_members_follows_a_failover_and_shows_a_paused_followers_lag()
    {
        var chromium = await Chromium.FindOrInstallAsync(TestContext.Current.CancellationToken);
        await using var cluster = await ProcessCluster.StartAsync(3, null, "--dashboard-actions", "true");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true });
        var writer = ContinuousWriter.Start(cluster["n1"].Port, "dashboard");
        try
        {
            var n1 = await OpenAsync(browser, cluster["n1"]);
            await ExpectMembersAsync(n1, leader: "n1");
            await Expect(n1.Locator("#connection")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = PatienceMs });
            await ShotAsync(n1, "dashboard-leader.png");

            // A manual failover from the page's button (--dashboard-actions; the default user
            // needs no password here): n1's page (n1 now follows) shows n2 leading, without a reload.
            n1.Dialog += (_, dialog) => _ = dialog.AcceptAsync();
            await n1.Locator("button[data-failover=n2]").ClickAsync(new() { Timeout = PatienceMs });
            await Expect(n1.Locator("#action-result")).ToHaveAttributeAsync("data-outcome", "done", new() { Timeout = PatienceMs });
            await Expect(n1.Locator("#action-result")).ToContainTextAsync("FAILOVER TO", new() { Timeout = PatienceMs });
            await ExpectMembersAsync(n1, leader: "n2");
            await Expect(n1.Locator("#leader")).ToHaveTextAsync("n2", new() { Timeout = PatienceMs });
            await Expect(n1.Locator("#timeline li[data-kind=leader]").Filter(new() { HasText = "n2 leads" })).ToHaveCountAsync(1, new() { Timeout = PatienceMs });
            await ShotAsync(n1, "dashboard-after-failover.png");

            // The new leader's page sees every follower; with n3 stopped (SIGSTOP) its lag rises there.
            var n2 = await OpenAsync(browser, cluster["n2"]);
            await ExpectMembersAsync(n2, leader: "n2");
            await cluster.WaitForFollowersAsync(2);
            cluster.Pause("n3");
            try
            {
                await WaitUntilAsync(n2, "n3's lag on the leader's page passes 100 entries and 2 s",
                    "() => { const row = document.querySelector('tr[data-member=n3]');"
                    + " return row && Number(row.querySelector('[data-lag-entries]').dataset.lagEntries) > 100"
                    + " && Number(row.querySelector('[data-lag-ms]').dataset.lagMs) > 2000; }");
                await Expect(n2.Locator("polyline[data-series=n3]").First).ToBeAttachedAsync(new() { Timeout = PatienceMs });
                await ShotAsync(n2, "dashboard-follower-lagging.png");
            }
            finally
            {
                cluster.Resume("n3");
            }
            // Resumed, n3 catches up and the page shows its lag falling back.
            await WaitUntilAsync(n2, "n3's lag falls back under 1 s",
                "() => { const cell = document.querySelector('tr[data-member=n3] [data-lag-ms]');"
                + " return cell && cell.dataset.lagMs !== '' && Number(cell.dataset.lagMs) < 1000; }");
        }
        finally
        {
            await writer.StopAsync();
            output.WriteLine($"writes acknowledged: {writer.AcknowledgedCount}; screenshots in {Screenshots}");
        }
    }

    /// <summary>
    /// Multi-leader: a site leader's page shows its links to the other site; with the link cut
    /// while writes go on, the outbound link shows `cut` and its lag rising, and after the heal
    /// it falls back.
    /// </summary>
    [Fact]
    public async Task Dashboard_shows_a_sites_links_and_a_cut_links_lag()
    {
        var chromium = await Chromium.FindOrInstallAsync(TestContext.Current.CancellationToken);
        await using var sites = await SiteProcesses.StartAsync(2);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true });
        var writer = ContinuousWriter.Start(sites["s1"].Port, "sites");
        try
        {
            var s1 = await OpenAsync(browser, "127.0.0.1", sites["s1"].HttpPort);
            await Expect(s1.Locator("body")).ToHaveAttributeAsync("data-family", "multi-leader", new() { Timeout = PatienceMs });
            await Expect(s1.Locator("#sites")).ToBeVisibleAsync(new() { Timeout = PatienceMs });
            await Expect(s1.Locator("#site-links tbody tr[data-site=s2][data-direction=outbound]")).ToHaveAttributeAsync("data-state", "up", new() { Timeout = PatienceMs });
            await Expect(s1.Locator("#sites-summary")).ToContainTextAsync("This node's site: s1", new() { Timeout = PatienceMs });

            Assert.Equal("OK", (await sites.CommandAsync("s1", "CHORUS.LINK", "CUT", "s2")).AsString());
            try
            {
                await Expect(s1.Locator("#site-links tbody tr[data-site=s2][data-direction=outbound]")).ToHaveAttributeAsync("data-state", "cut", new() { Timeout = PatienceMs });
                await WaitUntilAsync(s1, "the cut link's lag passes 50 changes and 2 s",
                    "() => { const row = document.querySelector('#site-links tr[data-site=s2][data-direction=outbound]');"
                    + " return row && Number(row.querySelector('[data-lag-entries]').dataset.lagEntries) > 50"
                    + " && Number(row.querySelector('[data-lag-ms]').dataset.lagMs) > 2000; }");
                await Expect(s1.Locator("polyline[data-series='→ s2']").First).ToBeAttachedAsync(new() { Timeout = PatienceMs });
                await Expect(s1.Locator("#timeline li[data-kind=peer-down]").Filter(new() { HasText = "link to s2: up → cut" }).First).ToBeAttachedAsync(new() { Timeout = PatienceMs });
                await ShotAsync(s1, "dashboard-sites-link-cut.png");
            }
            finally
            {
                await sites.CommandAsync("s1", "CHORUS.LINK", "HEAL", "s2");
            }
            await WaitUntilAsync(s1, "the healed link's lag falls under 1 s",
                "() => { const row = document.querySelector('#site-links tr[data-site=s2][data-direction=outbound]');"
                + " return row && row.dataset.state === 'up' && Number(row.querySelector('[data-lag-ms]').dataset.lagMs) < 1000; }");
        }
        finally
        {
            await writer.StopAsync();
            output.WriteLine($"writes acknowledged at s1: {writer.AcknowledgedCount}");
        }
    }

    /// <summary>
    /// Leaderless: the page shows the ring and no leader; with a node killed while writes go on
    /// (N=3 of 4 nodes, sloppy quorum), the peer shows `down` and hints pile up for it on the
    /// page of a node that stands in; once it restarts, the hints are delivered and the count
    /// falls back to 0.
    /// </summary>
    [Fact]
    public async Task Dashboard_shows_the_ring_a_dead_peer_and_the_hints_kept_for_it()
    {
        var chromium = await Chromium.FindOrInstallAsync(TestContext.Current.CancellationToken);
        await using var cluster = await ProcessCluster.StartLeaderlessAsync(4, ["--n", "3", "--w", "2", "--r", "2", "--Leaderless:RequestTimeoutMs=5000", "--Leaderless:PeerDownAfterMs=2000"]);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true });
        var writer = ContinuousWriter.Start(cluster["n1"].Port, "ring");
        try
        {
            var n1 = await OpenAsync(browser, cluster["n1"]);
            await Expect(n1.Locator("body")).ToHaveAttributeAsync("data-family", "leaderless", new() { Timeout = PatienceMs });
            await Expect(n1.Locator("#ring-peers tbody tr[data-state=up]")).ToHaveCountAsync(4, new() { Timeout = PatienceMs });
            await Expect(n1.Locator("#members")).ToBeHiddenAsync();
            await Expect(n1.Locator("#ring-summary")).ToContainTextAsync("N=3, W=2, R=2", new() { Timeout = PatienceMs });

            await cluster.KillAsync("n4");
            await Expect(n1.Locator("#ring-peers tbody tr[data-member=n4]")).ToHaveAttributeAsync("data-state", "down", new() { Timeout = PatienceMs });
            await WaitUntilAsync(n1, "n1 keeps hints for n4",
                "() => { const cell = document.querySelector('#ring-peers tr[data-member=n4] [data-hints]'); return cell && Number(cell.dataset.hints) > 0; }");
            await Expect(n1.Locator("#timeline li[data-kind=peer-down]").Filter(new() { HasText = "n4 is down" }).First).ToBeAttachedAsync(new() { Timeout = PatienceMs });
            await ShotAsync(n1, "dashboard-ring-peer-down.png");

            cluster.Start("n4");
            await Expect(n1.Locator("#ring-peers tbody tr[data-member=n4]")).ToHaveAttributeAsync("data-state", "up", new() { Timeout = PatienceMs });
            await writer.StopAsync();
            await WaitUntilAsync(n1, "the hints for n4 are delivered",
                "() => { const cell = document.querySelector('#ring-peers tr[data-member=n4] [data-hints]'); return cell && Number(cell.dataset.hints) === 0; }");
        }
        finally
        {
            await writer.StopAsync();
            output.WriteLine($"writes acknowledged: {writer.AcknowledgedCount}; errors: {writer.Errors.Count}");
        }
    }

    private static Task<IPage> OpenAsync(IBrowser browser, ProcessCluster.Member member) => OpenAsync(browser, member.Host, member.HttpPort);

    private static async Task<IPage> OpenAsync(IBrowser browser, string host, int httpPort)
    {
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 1000 } });
        await page.GotoAsync($"http://{host}:{Text(httpPort)}/", new() { Timeout = PatienceMs });
        return page;
    }

    /// <summary>Three member rows, exactly one marked leader: <paramref name="leader"/>.</summary>
    private static async Task ExpectMembersAsync(IPage page, string leader)
    {
        await Expect(page.Locator("#members tbody tr")).ToHaveCountAsync(3, new() { Timeout = PatienceMs });
        await Expect(page.Locator("#members tbody tr[data-role=leader]")).ToHaveAttributeAsync("data-member", leader, new() { Timeout = PatienceMs });
        await Expect(page.Locator("#members tbody tr[data-role=leader]")).ToHaveCountAsync(1, new() { Timeout = PatienceMs });
    }

    private static async Task WaitUntilAsync(IPage page, string what, string predicate)
    {
        try
        {
            await page.WaitForFunctionAsync(predicate, null, new() { Timeout = PatienceMs, PollingInterval = 200 });
        }
        catch (TimeoutException e)
        {
            var shown = await page.Locator("main").InnerTextAsync();
            throw new TimeoutException($"timed out waiting until {what}; the page shows:\n{shown}", e);
        }
    }

    private static async Task ShotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Screenshots);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, name), FullPage = true });
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
