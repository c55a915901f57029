using System.Text;
using Chorus.Commands.Execution;
using Chorus.Core;
using Chorus.Core.Sites;
using Chorus.Node;
using Chorus.Replication.MultiLeader;
using Chorus.Resp;
using Chorus.Server.Configuration;

namespace Chorus.Server.Commands;

/// <summary>
/// CHORUS.SITECONFIG: changes the settings every site shares while the cluster runs, at any site
/// leader (docs/multi-leader.md, "Changing settings at runtime"):
/// <code>
/// CHORUS.SITECONFIG TOPOLOGY all-to-all | ring | star &lt;hub site&gt;
/// CHORUS.SITECONFIG POLICIES "pattern=policy;..."   (the whole list, as --conflict-policies)
/// CHORUS.SITECONFIG HOMES "pattern=site;..."         (the whole list of home sites, as --home-sites)
/// CHORUS.SITECONFIG FAIL &lt;site&gt; | RECOVER &lt;site&gt;  (declare a site failed, or returning: its
///                                                 homes move back once it has caught up)
/// </code>
/// The change is stamped with the site's clock and logged at the site; every other site adopts it
/// with the next message on a link (the settings are one last-write-wins register).
/// </summary>
internal static class SiteSettingsCommand
{
    public static ServerCommand Command { get; } =
        new(new CommandSpec("CHORUS.SITECONFIG", -3, CommandFlags.Admin | CommandFlags.NoScript, 0, 0, 0), RunAsync);

    private const string Usage = "ERR syntax error. Try CHORUS.SITECONFIG TOPOLOGY all-to-all|ring|star <hub> | POLICIES \"pattern=policy;...\" | HOMES \"pattern=site;...\" | FAIL <site> | RECOVER <site>.";

    private static async ValueTask RunAsync(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        var argument = command.ArgumentCount == 3 ? Encoding.UTF8.GetString(command[2]) : "";
        Func<MultiLeaderCore, SiteSettings, string?>? check = null;
        Func<SiteSettings, SiteSettings>? change = null;
        string? error = null;
        if (command.ArgumentCount != 3)
        {
            error = Usage;
        }
        else if (command.ArgumentIs(1, "TOPOLOGY"u8))
        {
            if (!SiteTopology.TryParse(argument, out var topology, out var problem))
            {
                error = "ERR " + problem;
            }
            check = (core, _) => topology.Hub is { } hub && !IsSite(core, hub) ? $"ERR the star's hub '{hub}' is not a site ({SiteList(core)})" : null;
            change = settings => settings with { Topology = topology };
        }
        else if (command.ArgumentIs(1, "POLICIES"u8))
        {
            List<PolicyRule> policies = [];
            try
            {
                policies = SiteConfiguration.ParsePolicies(argument);
            }
            catch (ConfigurationError e)
            {
                error = "ERR " + e.Message;
            }
            check = (_, current) => CounterRulesChange(current.Policies, policies);
            change = settings => settings with { Policies = policies };
        }
        else if (command.ArgumentIs(1, "HOMES"u8))
        {
            List<HomeRule> homes = [];
            try
            {
                homes = SiteConfiguration.ParseHomes(argument);
            }
            catch (ConfigurationError e)
            {
                error = "ERR " + e.Message;
            }
            check = (core, _) => homes.FirstOrDefault(h => !IsSite(core, h.Site)) is { } stray ? $"ERR '{stray.Site}' is not a site ({SiteList(core)})" : null;
            change = settings => settings with { Homes = homes };
        }
        else if (command.ArgumentIs(1, "FAIL"u8) || command.ArgumentIs(1, "RECOVER"u8))
        {
            var fail = command.ArgumentIs(1, "FAIL"u8);
            NodeId.TryParse(argument, out var site);
            check = (core, _) => site.IsEmpty || !IsSite(core, site) ? $"ERR '{argument}' is not a site ({SiteList(core)})" : null;
            change = settings => fail ? settings.Failing(site) : settings.Recovering(site);
        }
        else
        {
            error = Usage;
        }
        if (error is not null)
        {
            reply.WriteError(error);
            return;
        }
        var completion = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        context.Node.Inbox.Post(new AdminInput(core => core switch
        {
            MultiLeaderCore sites when check!(sites, sites.Settings) is { } refused => refused,
            MultiLeaderCore sites when sites.ChangeSettings(change!) => null,
            MultiLeaderCore sites => $"READONLY site settings are changed at a site's leader ({sites.SiteCore.Leader?.Value ?? "none known"} leads site {sites.Site})",
            _ => "ERR this node does not run multi-leader replication (start it with --family multi-leader)",
        }, completion));
        if (await completion.Task is { } refusal)
        {
            reply.WriteError(refusal);
            return;
        }
        await context.Node.RefreshStatusAsync();
        reply.WriteOk();
    }

    private static bool IsSite(MultiLeaderCore core, NodeId site) => site == core.Site || core.Describe().Sites!.Links.Any(l => l.Site == site);

    private static string SiteList(MultiLeaderCore core) =>
        "sites: " + string.Join(", ", new[] { core.Site }.Concat(core.Describe().Sites!.Links.Select(l => l.Site)).Select(s => s.Value).Order(StringComparer.Ordinal));

    /// <summary>
    /// Counter keys version each site's increments instead of values; turning that on or off for
    /// keys that already exist would drop one representation, so counter rules stay as started.
    /// </summary>
    private static string? CounterRulesChange(IReadOnlyList<PolicyRule> current, IReadOnlyList<PolicyRule> next)
    {
        static string Counters(IReadOnlyList<PolicyRule> rules) =>
            string.Join(";", rules.Where(r => r.Policy == ConflictPolicy.Counter).Select(r => r.Pattern));
        return Counters(current) == Counters(next) ? null
            : $"ERR counter rules cannot change while the cluster runs (now: '{Counters(current)}'): a counter key keeps each site's increments, not a value";
    }
}
