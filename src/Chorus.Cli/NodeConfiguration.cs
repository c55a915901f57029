using Chorus.Server.Configuration;
using Microsoft.Extensions.Configuration;

namespace Chorus.Cli;

/// <summary>
/// Builds a node's <see cref="ChorusOptions"/> from, in increasing precedence: a JSON file
/// (--config), environment variables (CHORUS_Port, CHORUS_Peers__n2, ...) and the command line
/// (friendly flags such as --port 7380, or any setting as --Key=value).
/// </summary>
internal static class NodeConfiguration
{
    /// <summary>A friendly command-line flag: the setting it sets, and what `serve --help` says about it.</summary>
    public readonly record struct Flag(string Setting, string Help);

    public static readonly Dictionary<string, Flag> Flags = new(StringComparer.Ordinal)
    {
        ["--id"] = new(nameof(ChorusOptions.NodeId), "This node's name in the cluster (default n1)."),
        ["--host"] = new(nameof(ChorusOptions.Host), "The address every listener binds: an IP address, 0.0.0.0 or * (every IPv4 address), :: or localhost (default 127.0.0.1)."),
        ["--port"] = new(nameof(ChorusOptions.Port), "The RESP (client) port (default 7379)."),
        ["--announce-host"] = new(nameof(ChorusOptions.AnnounceHost), "The address clients and peers are told to use for this node (default: --host; for a wildcard host, this node's own --peers entry, else the machine's name)."),
        ["--announce-port"] = new(nameof(ChorusOptions.AnnouncePort), "The RESP port clients are told to use, when NAT or a container maps it (default: --port)."),
        ["--sentinel-master-name"] = new(nameof(ChorusOptions.SentinelMasterName), "The master (service) name Sentinel-aware clients ask this node's SENTINEL commands for the leader by (default chorus)."),
        ["--peer-port"] = new(nameof(ChorusOptions.PeerPort), "The port other nodes connect to (gRPC over mutual TLS; default: --port + 10000)."),
        ["--http-port"] = new(nameof(ChorusOptions.HttpPort), "The HTTP port serving the dashboard (/), /metrics and /health (default: --port + 20000)."),
        ["--data"] = new(nameof(ChorusOptions.DataDir), "Where this node keeps its database and rollback files (default data/<id>)."),
        ["--leader"] = new(nameof(ChorusOptions.Leader), "The preferred leader, which stands for election at once when none leads (default: this node)."),
        ["--fsync"] = new(nameof(ChorusOptions.Fsync), "When writes reach the disk: always, everysec or no (default everysec)."),
        ["--replica-writes"] = new(nameof(ChorusOptions.ReplicaWrites), "What a follower does with a write: forward (to the leader), reject (-READONLY) or redirect (-MOVED) (default forward)."),
        ["--ack"] = new(nameof(ChorusOptions.Ack), "When the leader acknowledges a write: async, \"semi-sync any K\" or \"sync all\"; used when the cluster is created, then CONFIG SET chorus-ack (default async)."),
        ["--ack-level"] = new(nameof(ChorusOptions.AckLevel), "What a follower's confirmation means: received, flushed or applied (default flushed)."),
        ["--ack-timeout-ms"] = new(nameof(ChorusOptions.AckTimeoutMs), "How long the leader waits for confirmations (default 1000)."),
        ["--ack-on-timeout"] = new(nameof(ChorusOptions.AckOnTimeout), "When confirmations are late: fail (-NOREPLICAS) or degrade (to async) (default fail)."),
        ["--failover"] = new(nameof(ChorusOptions.Failover), "auto (followers elect a new leader when it stops answering) or manual (only FAILOVER and CHORUS.ELECT) (default auto)."),
        ["--log-format"] = new(nameof(ChorusOptions.LogFormat), "How the replication log records writes: logical (row changes), statement (the commands) or physical (the storage engine's write bytes, WAL shipping); used when the cluster is created, then CONFIG SET log-format (default logical)."),
        ["--statement-rewrite"] = new(nameof(ChorusOptions.StatementRewrite), "In the statement format, rewrite nondeterministic commands (relative expiry, SPOP, INCRBYFLOAT) into deterministic ones: yes, or no to watch replicas diverge (default yes)."),
        ["--election-timeout-ms"] = new(nameof(ChorusOptions.ElectionTimeoutMs), "How long followers wait without hearing from the leader before electing another, randomised up to twice this; also the leader's lease (default 1000)."),
        ["--read-lease"] = new(nameof(ChorusOptions.ReadLease), "Strong reads at the leader skip the quorum round while a majority confirmed it recently; safe only with well-behaved clocks (default false)."),
        ["--follower-resync"] = new(nameof(ChorusOptions.FollowerResync), "How this node, as leader, brings back a follower whose next entry its log no longer keeps: snapshot (send a checkpoint of the whole database) or merkle (compare Merkle trees and send only the rows that differ) (default snapshot)."),
        ["--unknown-statement"] = new(nameof(ChorusOptions.UnknownStatement), "What this node, as a follower, does with a statement-format entry naming a command it cannot run (a newer leader's): stop replicating with the reason in INFO, or skip it and go on, its data possibly differing from the leader's (default stop)."),
        ["--claim-storage-format-version"] = new(nameof(ChorusOptions.ClaimStorageFormatVersion), "For tests only: the storage format version this node claims toward physical log entries, to see a follower refuse a stream written for another version (default 0: the build's own)."),
        ["--session-idle-ms"] = new(nameof(ChorusOptions.SessionIdleMs), "A named session (CHORUS.SESSION) unused for this long is forgotten; binding its id again starts it afresh, safely (default 86400000, one day)."),
        ["--dashboard-actions"] = new(nameof(ChorusOptions.DashboardActions), "Lets the dashboard fail over to a member and add a learner, for a caller authenticated (HTTP Basic) as a user allowed to run FAILOVER and CHORUS.NODE (default false: the page is read-only)."),
        ["--fault-commands"] = new(nameof(ChorusOptions.FaultCommands), "Enables CHORUS.FAULT, which pauses this node's peer link, for tests and demonstrations (default false)."),
        ["--family"] = new(nameof(ChorusOptions.Family), "The replication family: single-leader, multi-leader (one leader per site) or leaderless (Dynamo-style quorums; any node coordinates) (default single-leader)."),
        ["--site"] = new(nameof(ChorusOptions.Site), "Multi-leader: this node's site, such as s1 (required with --family multi-leader)."),
        ["--topology"] = new(nameof(ChorusOptions.Topology), "Multi-leader: how site leaders are linked: all-to-all, ring or \"star <hub site>\" (default all-to-all)."),
        ["--conflict-policies"] = new(nameof(ChorusOptions.ConflictPolicies), "Multi-leader: conflict policy per key pattern, first match wins, e.g. \"doc:*=siblings;n:*=counter;*=lww\" (default lww for every key)."),
        ["--home-sites"] = new(nameof(ChorusOptions.HomeSites), "Multi-leader: the home site per key pattern, first match wins, e.g. \"acct:*=s1;inv:*=s2\": writes to a matching key anywhere are made at its home site, which moves to the next site when it is declared failed (default none)."),
        ["--resolver-assemblies"] = new(nameof(ChorusOptions.ResolverAssemblies), "Multi-leader: assemblies (separated by ';') whose IConflictResolver types custom:<name> policies may use (default none)."),
        ["--read-resolver-timeout-ms"] = new(nameof(ChorusOptions.ReadResolverTimeoutMs), "Multi-leader: how long a read waits for a custom resolver's on-read handler before answering without it (default 100)."),
        ["--n"] = new("Leaderless:N", "Leaderless: replicas per key (default 3)."),
        ["--w"] = new("Leaderless:W", "Leaderless: acknowledgements a write waits for (default 2)."),
        ["--r"] = new("Leaderless:R", "Leaderless: replies a read waits for (default 2)."),
        ["--join"] = new("Leaderless:Join", "Leaderless: start outside the ring, to be added with CHORUS.RING ADD at a member; --peers lists the ring's members and this node (default false)."),
        ["--sloppy-quorum"] = new("Leaderless:SloppyQuorum", "Leaderless: when home replicas are down, the next healthy nodes stand in and keep hints (default true)."),
        ["--max-write-bytes"] = new(nameof(ChorusOptions.MaxWriteBytes), "The largest value a write may store and the largest argument it may carry, at most 31mb (default 8mb)."),
        ["--maxclients"] = new(nameof(ChorusOptions.MaxClients), "More client connections than this get \"max number of clients reached\" (default 10000)."),
        ["--protected-mode"] = new(nameof(ChorusOptions.ProtectedMode), "While the default user has no password, accept clients on loopback only: yes or no (default yes)."),
        ["--requirepass"] = new(nameof(ChorusOptions.RequirePass), "The default user's password (default none; prefer the CHORUS_RequirePass environment variable, which stays out of the process list)."),
        ["--aclfile"] = new(nameof(ChorusOptions.AclFile), "Users and permissions in Redis's ACL file format, loaded at start-up (default none)."),
        ["--tls-port"] = new(nameof(ChorusOptions.TlsPort), "A second RESP port that speaks TLS (default none)."),
        ["--tls-cert-file"] = new(nameof(ChorusOptions.TlsCertFile), "This node's certificate for client TLS, PEM (default none)."),
        ["--tls-key-file"] = new(nameof(ChorusOptions.TlsKeyFile), "The private key of --tls-cert-file, PEM (default none)."),
        ["--tls-ca-cert-file"] = new(nameof(ChorusOptions.TlsCaCertFile), "The CA client certificates must chain to, PEM (default none)."),
        ["--tls-auth-clients"] = new(nameof(ChorusOptions.TlsAuthClients), "Client certificates: yes (required), optional (checked when sent) or no (default yes)."),
        ["--peer-tls"] = new(nameof(ChorusOptions.PeerTls), "Mutual TLS between nodes: yes, or no on a network you trust entirely (default yes)."),
        ["--peer-tls-dir"] = new(nameof(ChorusOptions.PeerTlsDir), "A directory with ca.crt and <id>.crt/.key as `chorus cert` writes them (default none)."),
        ["--peer-tls-cert-file"] = new(nameof(ChorusOptions.PeerTlsCertFile), "This node's peer certificate, PEM, named after its id (default <peer-tls-dir>/<id>.crt)."),
        ["--peer-tls-key-file"] = new(nameof(ChorusOptions.PeerTlsKeyFile), "Its private key, PEM (default <peer-tls-dir>/<id>.key)."),
        ["--peer-tls-ca-cert-file"] = new(nameof(ChorusOptions.PeerTlsCaCertFile), "The CA peer certificates must chain to, PEM (default <peer-tls-dir>/ca.crt)."),
    };

    public static ChorusOptions Build(string? configFile, IReadOnlyList<string> args)
    {
        var builder = new ConfigurationBuilder();
        if (configFile is not null)
        {
            if (!File.Exists(configFile))
            {
                throw new ConfigurationError($"config file '{configFile}' does not exist");
            }
            builder.AddJsonFile(Path.GetFullPath(configFile), optional: false);
        }
        builder.AddEnvironmentVariables("CHORUS_");
        builder.AddCommandLine([.. ExpandPeers(args)], Flags.ToDictionary(f => f.Key, f => f.Value.Setting, StringComparer.Ordinal));
        var options = new ChorusOptions();
        builder.Build().Bind(options);
        return options;
    }

    /// <summary>"--peers n1=h:p,n2=h:p" becomes "--Peers:n1=h:p --Peers:n2=h:p".</summary>
    private static IEnumerable<string> ExpandPeers(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? list = null;
            if (arg == "--peers" && i + 1 < args.Count)
            {
                list = args[++i];
            }
            else if (arg.StartsWith("--peers=", StringComparison.Ordinal))
            {
                list = arg["--peers=".Length..];
            }
            if (list is null)
            {
                yield return arg;
                continue;
            }
            foreach (var peer in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var equals = peer.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0)
                {
                    throw new ConfigurationError($"--peers entries look like n1=127.0.0.1:17379, not '{peer}'");
                }
                yield return $"--Peers:{peer[..equals]}={peer[(equals + 1)..]}";
            }
        }
    }
}
