using Chorus.Core;
using Chorus.Core.Sites;
using Chorus.Replication.MultiLeader;

namespace Chorus.Server.Configuration;

/// <summary>Turns the multi-leader settings (Site, Sites, Topology, ConflictPolicies, HomeSites) into the core's options, with a clear error for anything wrong.</summary>
public static class SiteConfiguration
{
    public static MultiLeaderOptions Build(ChorusOptions options, IReadOnlyDictionary<NodeId, Uri> peers)
    {
        if (string.IsNullOrEmpty(options.Site))
        {
            throw new ConfigurationError("Family=multi-leader needs Site (this node's site)");
        }
        var sites = new Dictionary<NodeId, IReadOnlyList<NodeId>>();
        foreach (var (site, nodes) in options.Sites)
        {
            sites[Id(site, "Sites")] = [.. nodes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(n => Id(n, $"Sites:{site}"))];
        }
        var self = Id(options.Site, "Site");
        if (!sites.TryGetValue(self, out var own) || !own.Contains(options.Self))
        {
            throw new ConfigurationError($"Sites must list this node ({options.Self}) under its site {self}, e.g. --Sites:{self}={options.Self}");
        }
        if (sites.Values.SelectMany(n => n).GroupBy(n => n).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ConfigurationError($"node {twice.Key} is listed in more than one site");
        }
        if (sites.Values.SelectMany(n => n).FirstOrDefault(n => !peers.ContainsKey(n)) is { IsEmpty: false } unknown)
        {
            throw new ConfigurationError($"node {unknown} is in Sites but has no address in Peers");
        }
        if (!SiteTopology.TryParse(options.Topology, out var topology, out var topologyError))
        {
            throw new ConfigurationError(topologyError);
        }
        if (topology.Hub is { } hub && !sites.ContainsKey(hub))
        {
            throw new ConfigurationError($"the star's hub {hub} is not a site (sites: {string.Join(", ", sites.Keys)})");
        }
        var policies = ParsePolicies(options.ConflictPolicies);
        var homes = ParseHomes(options.HomeSites);
        if (homes.FirstOrDefault(h => !sites.ContainsKey(h.Site)) is { } stray)
        {
            throw new ConfigurationError($"HomeSites {stray.Pattern}={stray.Site}: {stray.Site} is not a site (sites: {string.Join(", ", sites.Keys)})");
        }
        var resolvers = ResolverLoader.Load(options.ResolverAssemblies);
        if (policies.FirstOrDefault(p => p.Policy == ConflictPolicy.Custom && !resolvers.ContainsKey(p.Resolver!)) is { } missing)
        {
            throw new ConfigurationError($"conflict policy {missing.Pattern}={missing.PolicyText}: no resolver named '{missing.Resolver}' (known: {string.Join(", ", resolvers.Keys)}; add assemblies with ResolverAssemblies)");
        }
        return new MultiLeaderOptions(self, sites)
        {
            RemoteAddresses = peers.Where(p => !own.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value.Authority),
            Settings = SiteSettings.Default with { Topology = topology, Policies = policies, Homes = homes },
        };
    }

    /// <summary>"pattern=policy;pattern=policy" (first match wins).</summary>
    public static List<PolicyRule> ParsePolicies(string text)
    {
        var rules = new List<PolicyRule>();
        foreach (var part in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.LastIndexOf('=');
            if (equals <= 0)
            {
                throw new ConfigurationError($"ConflictPolicies entries look like user:*=siblings, not '{part}'");
            }
            if (!PolicyRule.TryParsePolicy(part[(equals + 1)..], out var policy, out var resolver, out var error))
            {
                throw new ConfigurationError(error);
            }
            rules.Add(new PolicyRule(part[..equals], policy, resolver));
        }
        return rules;
    }

    /// <summary>"pattern=site;pattern=site" (first match wins); whether each site exists is the caller's check.</summary>
    public static List<HomeRule> ParseHomes(string text)
    {
        var rules = new List<HomeRule>();
        foreach (var part in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.LastIndexOf('=');
            if (equals <= 0)
            {
                throw new ConfigurationError($"HomeSites entries look like acct:*=s1, not '{part}'");
            }
            rules.Add(new HomeRule(part[..equals], Id(part[(equals + 1)..].Trim(), "HomeSites")));
        }
        return rules;
    }

    private static NodeId Id(string text, string setting)
    {
        if (NodeId.TryParse(text, out var id))
        {
            return id;
        }
        throw new ConfigurationError($"{setting}: '{text}' is not a valid id");
    }
}
