using System.Text;
using Chorus.Commands.Execution;
using Chorus.Commands.Sites;
using Chorus.Core;
using Chorus.Core.Sites;
using Chorus.Node;
using Chorus.Replication;
using Chorus.Replication.MultiLeader;
using Chorus.Resp;
using Chorus.Server.Hosting;

using static Chorus.Server.Commands.ReplyFields;

namespace Chorus.Server.Commands;

/// <summary>
/// Multi-leader commands: CHORUS.SITES (the sites, links and lag as this node sees them),
/// CHORUS.LINK CUT|HEAL site (drop or restore the link to another site: the fault hook for "the
/// network between datacenters failed"), CHORUS.CONFLICTS [count] (the newest conflicts resolved
/// here, with every losing value) and CHORUS.SIBLINGS key [element] (every concurrent value of a
/// string key, or of one field or member of a hash, set or sorted set, with its version and the
/// causal context).
/// </summary>
internal static class SitesCommands
{
    private const CommandFlags Introspection = CommandFlags.ReadOnly | CommandFlags.Fast | CommandFlags.Loading | CommandFlags.Stale;

    public static IReadOnlyList<ServerCommand> All { get; } =
    [
        new(new CommandSpec("CHORUS.SITES", -1, Introspection, 0, 0, 0), SitesAsync),
        new(new CommandSpec("CHORUS.LINK", 3, CommandFlags.Admin | CommandFlags.NoScript, 0, 0, 0), LinkAsync),
        new(new CommandSpec("CHORUS.CONFLICTS", -1, Introspection, 0, 0, 0), Conflicts),
        new(new CommandSpec("CHORUS.SIBLINGS", -2, CommandFlags.ReadOnly | CommandFlags.Fast, 1, 1, 1), Siblings),
        SiteSettingsCommand.Command,
    ];

    /// <summary>
    /// The home rules, "pattern=site;...", first match wins; a rule whose site is declared failed
    /// shows where its keys' home moved: "acct:*=s1(failed: s2)", and one returning from failure
    /// where they stay until it has caught up: "acct:*=s1(returning: s2)".
    /// </summary>
    public static string HomesText(SitesStatus sites)
    {
        IReadOnlyList<NodeId> ids = [sites.Site, .. sites.Links.Select(l => l.Site)];
        var settings = sites.Settings;
        return string.Join(";", settings.Homes.Select(h =>
            settings.IsFailed(h.Site) || settings.IsReturning(h.Site)
                ? $"{h.Pattern}={h.Site}({(settings.IsFailed(h.Site) ? "failed" : "returning")}: {settings.HomeSuccessor(h.Site, ids)?.Value ?? "no site"})"
                : $"{h.Pattern}={h.Site}"));
    }

    private const string NotMultiLeader = "ERR this node does not run multi-leader replication (start it with --family multi-leader)";

    private static async ValueTask SitesAsync(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        await context.Node.RefreshStatusAsync();
        if (context.Node.Driver.Status.Sites is not { } sites)
        {
            reply.WriteError(NotMultiLeader);
            return;
        }
        reply.WriteMapHeader(11);
        Field(reply, "site", sites.Site.Value);
        Field(reply, "topology", sites.Settings.Topology.ToString());
        Field(reply, "policies", string.Join(";", sites.Settings.Policies.Select(p => $"{p.Pattern}={p.PolicyText}")));
        Field(reply, "homes", HomesText(sites));
        Field(reply, "failed_sites", string.Join(",", sites.Settings.FailedSites));
        Field(reply, "frontier", sites.Frontier.ToString());
        Field(reply, "committed", sites.Shippable.ToString());
        Field(reply, "held_back", sites.HeldBack);
        Field(reply, "changes_applied", sites.ChangesApplied);
        reply.WriteBulkString("links");
        reply.WriteArrayHeader(sites.Links.Count);
        foreach (var link in sites.Links)
        {
            reply.WriteMapHeader(8);
            Field(reply, "site", link.Site.Value);
            Field(reply, "direction", link.Direction == LinkDirection.Outbound ? "outbound" : "inbound");
            Field(reply, "state", link.IsCut ? "cut" : link.IsUp ? "up" : "down");
            Field(reply, "leader", link.Leader?.Value ?? "");
            Field(reply, "lag_entries", (long)link.LagEntries);
            Field(reply, "lag_ms", link.LagMs);
            Field(reply, "changes_sent", link.Changes);
            Field(reply, "bytes_sent", link.Bytes);
        }
        reply.WriteBulkString("warnings");
        reply.WriteArrayHeader(sites.Warnings.Count);
        foreach (var warning in sites.Warnings)
        {
            reply.WriteBulkString(warning);
        }
    }

    private static async ValueTask LinkAsync(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        var cut = command.ArgumentIs(1, "CUT"u8);
        if (!cut && !command.ArgumentIs(1, "HEAL"u8))
        {
            reply.WriteError("ERR unknown subcommand. Try CHORUS.LINK CUT site | HEAL site.");
            return;
        }
        var siteText = Encoding.UTF8.GetString(command[2]);
        var completion = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        context.Node.Inbox.Post(new AdminInput(core => core switch
        {
            MultiLeaderCore sites => (NodeId.TryParse(siteText, out var site) && site != sites.Site ? sites.SetLinkCut(site, cut) : LinkCutOutcome.NotASite) switch
            {
                LinkCutOutcome.Done => null,
                LinkCutOutcome.NotLeader => $"READONLY a link is cut or healed at its site's leader, and holds at every node of the site ({sites.SiteCore.Leader?.Value ?? "none known"} leads site {sites.Site})",
                _ => $"ERR '{siteText}' is not another site (sites: {string.Join(", ", sites.Describe().Sites!.Links.Select(l => l.Site))})",
            },
            _ => NotMultiLeader,
        }, completion));
        if (await completion.Task is { } error)
        {
            reply.WriteError(error);
            return;
        }
        await context.Node.RefreshStatusAsync();
        reply.WriteOk();
    }

    private static ValueTask Conflicts(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        var count = 100;
        if (command.ArgumentCount > 2 || (command.ArgumentCount == 2 && (!int.TryParse(command[1], out count) || count < 0)))
        {
            reply.WriteError("ERR syntax error. Try CHORUS.CONFLICTS [count].");
            return ValueTask.CompletedTask;
        }
        var records = context.Node.Driver.Conflicts.Recent(count);
        reply.WriteArrayHeader(records.Count);
        foreach (var record in records)
        {
            reply.WriteMapHeader(7);
            Field(reply, "key", ConflictText.Bytes(record.Key));
            reply.WriteBulkString("element");
            if (record.Element is { } element)
            {
                reply.WriteBulkString(ConflictText.Bytes(element));
            }
            else
            {
                reply.WriteNull();
            }
            Field(reply, "policy", PolicyRule.Name(record.Policy));
            Field(reply, "at_ms", record.AtMs);
            reply.WriteBulkString("kept");
            Sibling(reply, record.Kept);
            reply.WriteBulkString("lost");
            reply.WriteArrayHeader(record.Losers.Count);
            foreach (var loser in record.Losers)
            {
                Sibling(reply, loser);
            }
            Field(reply, "siblings", record.Siblings);
        }
        return ValueTask.CompletedTask;
    }

    private static ValueTask Siblings(ServerCommandContext context, RespCommand command, RespWriter reply)
    {
        if (context.Node.Driver.Status.Sites is not { } sites)
        {
            reply.WriteError(NotMultiLeader);
            return ValueTask.CompletedTask;
        }
        if (command.ArgumentCount > 3)
        {
            reply.WriteError("ERR syntax error. Try CHORUS.SIBLINGS key [field or member].");
            return ValueTask.CompletedTask;
        }
        var reads = new ReadContext(context.Node.Storage);
        var document = SiteDocumentCodec.FromRecord(reads.GetStored(reads.Physical(context.Session.Db), command[1]), sites.Site);
        var part = command.ArgumentCount == 2 ? SitePart.String : document?.Visible() ?? SitePart.String;
        var state = document?.Get(part, command.ArgumentCount == 2 ? SiteDocument.StringElement : command[2].ToArray());
        reply.WriteMapHeader(2);
        Field(reply, "context", state?.Context.ToString() ?? "{}");
        reply.WriteBulkString("siblings");
        var live = state?.Siblings ?? [];
        reply.WriteArrayHeader(live.Count);
        foreach (var sibling in live)
        {
            Sibling(reply, SiteDocument.AsRecord(part, sibling));
        }
        return ValueTask.CompletedTask;
    }

    private static void Sibling(RespWriter reply, SiteSibling sibling)
    {
        reply.WriteMapHeader(4);
        reply.WriteBulkString("value");
        if (ConflictText.Value(sibling) is { } value)
        {
            reply.WriteBulkString(value);
        }
        else
        {
            reply.WriteNull();
        }
        Field(reply, "site", sibling.Version.Site.Value);
        Field(reply, "hlc", sibling.Version.Timestamp.ToString());
        Field(reply, "clock", sibling.Version.Clock.ToString());
    }
}
