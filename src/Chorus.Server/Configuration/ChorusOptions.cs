using System.Globalization;
using Chorus.Commands.Statements;
using Chorus.Core;
using Chorus.Replication.Election;
using Chorus.Replication.Quorum;
using Chorus.Storage;

namespace Chorus.Server.Configuration;

/// <summary>
/// A node's configuration, bound from the .NET configuration system: a JSON file, environment
/// variables (CHORUS_ prefix, "__" for nesting) and the command line, later sources winning.
/// See docs/configuration.md for every setting.
/// </summary>
public sealed class ChorusOptions
{
    /// <summary>This node's name in the cluster.</summary>
    public string NodeId { get; set; } = "n1";

    /// <summary>The address every listener binds to.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>RESP (client) port.</summary>
    public int Port { get; set; } = 7379;

    /// <summary>
    /// The address clients and other nodes are told to reach this node at (ROLE, INFO,
    /// redirects, the member list in the cluster settings), when it differs from the bind
    /// address: NAT, a container, a wildcard bind. Default: <see cref="Host"/>, or for a wildcard
    /// Host the host of this node's own entry in <see cref="Peers"/>, else the machine's host
    /// name. Redis's replica-announce-ip.
    /// </summary>
    public string AnnounceHost { get; set; } = "";

    /// <summary>The RESP port clients are told to use, when it differs from <see cref="Port"/> (a mapped container port). 0 (default): Port.</summary>
    public int AnnouncePort { get; set; }

    /// <summary>
    /// The name under which this node's Redis Sentinel API (SENTINEL get-master-addr-by-name,
    /// replicas, sentinels; the +switch-master channel) reports the cluster's leader: what
    /// Sentinel-aware clients are configured with as the service (master) name. Default "chorus".
    /// </summary>
    public string SentinelMasterName { get; set; } = "chorus";

    /// <summary>Peer (gRPC) port; 0 means Port + 10000.</summary>
    public int PeerPort { get; set; }

    /// <summary>HTTP port for /metrics and /health; 0 means Port + 20000.</summary>
    public int HttpPort { get; set; }

    /// <summary>Where this node keeps its database and rollback files.</summary>
    public string DataDir { get; set; } = "";

    /// <summary>
    /// The preferred leader: when no leader exists (a new cluster, or all nodes restarted) it
    /// stands for election at once, so it normally leads. Any voter can be elected after it fails.
    /// </summary>
    public string Leader { get; set; } = "";

    /// <summary>auto (followers elect a new leader when the leader stops answering) | manual (only FAILOVER or CHORUS.ELECT change the leader).</summary>
    public string Failover { get; set; } = "auto";

    /// <summary>How long followers wait without hearing from the leader before electing a new one (randomised up to twice this).</summary>
    public int ElectionTimeoutMs { get; set; } = 1000;

    /// <summary>Every member's peer address, this node's included: node id → "host:peerPort".</summary>
    public Dictionary<string, string> Peers { get; set; } = [];

    /// <summary>When writes reach stable storage: always | everysec | no.</summary>
    public string Fsync { get; set; } = "everysec";

    /// <summary>
    /// The replication log format of a new cluster: logical (row-based, the default) | statement |
    /// physical (WAL shipping). Recorded in the log by the first leader's first write; after that
    /// the log wins and CONFIG SET log-format changes it (docs/log-formats.md).
    /// </summary>
    public string LogFormat { get; set; } = "logical";

    /// <summary>With the statement format, whether the leader rewrites nondeterministic commands (yes, the default) or logs them as sent (no: replicas may diverge).</summary>
    public string StatementRewrite { get; set; } = "yes";

    /// <summary>The log format these settings describe.</summary>
    public LogFormatSetting LogFormatSetting
    {
        get
        {
            if (!LogFormatSetting.TryParse(LogFormat, out var format))
            {
                throw new ConfigurationError($"LogFormat must be statement, physical or logical, not '{LogFormat}'");
            }
            return new LogFormatSetting(format, YesNo(StatementRewrite, nameof(StatementRewrite)));
        }
    }

    /// <summary>
    /// How a follower that fell out of this leader's log retention catches up: snapshot (the
    /// default: it downloads a checkpoint of the whole database) or merkle (it compares Merkle trees
    /// of its own data and a checkpoint, and copies only the rows that differ). Decided by the leader.
    /// </summary>
    public string FollowerResync { get; set; } = "snapshot";

    /// <summary>The follower resync method these settings describe.</summary>
    public Chorus.Replication.FollowerResync FollowerResyncMethod =>
        Chorus.Replication.FollowerResyncs.TryParse(FollowerResync, out var method)
            ? method
            : throw new ConfigurationError($"FollowerResync must be snapshot or merkle, not '{FollowerResync}'");

    /// <summary>
    /// What this node, as a follower, does with a statement entry naming a command it cannot run
    /// (a newer leader's): stop (the default: stop replicating, with the reason in INFO) or skip
    /// (store it without running it, count it; the data may then differ from the leader's).
    /// </summary>
    public string UnknownStatement { get; set; } = "stop";

    /// <summary>The unknown-statement policy these settings describe.</summary>
    public Chorus.Commands.Statements.UnknownStatementPolicy UnknownStatementPolicy =>
        Chorus.Commands.Statements.UnknownStatementPolicies.TryParse(UnknownStatement, out var policy)
            ? policy
            : throw new ConfigurationError($"UnknownStatement must be stop or skip, not '{UnknownStatement}'");

    /// <summary>
    /// Linearizable (strong) reads at the leader skip the quorum round while a majority confirmed
    /// the leader within 80% of the election timeout (a read lease). Faster, but safe only while
    /// clocks run at about the same rate and no operator forces an election (CHORUS.ELECT); every
    /// node must use the same setting. Default false: every strong read confirms with a quorum round.
    /// </summary>
    public bool ReadLease { get; set; }

    /// <summary>Enables CHORUS.FAULT (pause this node's peer link, for tests and demonstrations). Default false.</summary>
    public bool FaultCommands { get; set; }

    /// <summary>
    /// Lets the dashboard's page act — fail over to a member, add a learner — for a caller that
    /// authenticates as a user allowed to run FAILOVER and CHORUS.NODE. Default false: read-only.
    /// </summary>
    public bool DashboardActions { get; set; }

    /// <summary>
    /// For tests only: the storage format version this node stamps on the physical log entries it
    /// writes and expects on those it applies, instead of its own (0, the default). Makes a node
    /// behave as another Chorus version would toward a physical stream, without building one.
    /// </summary>
    public uint ClaimStorageFormatVersion { get; set; }

    /// <summary>What a follower does with a write: forward (to the leader) | reject (-READONLY) | redirect (-MOVED naming the leader).</summary>
    public string ReplicaWrites { get; set; } = "forward";

    /// <summary>How long a follower waits for the leader to answer a forwarded write.</summary>
    public int ForwardTimeoutMs { get; set; } = 5000;

    /// <summary>
    /// How long a Lua script or function runs before other clients are answered -BUSY and a
    /// script that has not written may be killed with SCRIPT KILL / FUNCTION KILL (Redis's
    /// busy-reply-threshold, alias lua-time-limit; CONFIG SET changes it). Default 5000.
    /// </summary>
    public int LuaTimeLimitMs { get; set; } = (int)Scripting.ScriptLimits.DefaultBusyThresholdMs;

    /// <summary>
    /// How long a Lua script or function may run at most: then it is stopped and its writes
    /// undone (Redis has no such limit; the node loop, heartbeats included, waits while a script
    /// runs, so a runaway script must not hold a replicated node for ever). Default 60000.
    /// </summary>
    public int ScriptTimeMaxMs { get; set; } = (int)Scripting.ScriptLimits.DefaultTimeLimitMs;

    /// <summary>How long a follower holds a forwarded write's reply until the write is visible locally.</summary>
    public int ForwardVisibilityWaitMs { get; set; } = 1000;

    /// <summary>A named session (CHORUS.SESSION) unused for this long is forgotten (default one day); binding its id again starts it afresh.</summary>
    public long SessionIdleMs { get; set; } = Consistency.SessionDirectory.DefaultIdleMs;

    /// <summary>
    /// When the leader acknowledges a write: async | semi-sync any K | sync all. A cluster
    /// setting: used when the cluster is created; afterwards change it with CONFIG SET chorus-ack.
    /// </summary>
    public string Ack { get; set; } = "async";

    /// <summary>What a follower's confirmation means: received | flushed | applied.</summary>
    public string AckLevel { get; set; } = "flushed";

    /// <summary>How long the leader waits for confirmations before failing or degrading.</summary>
    public int AckTimeoutMs { get; set; } = 1000;

    /// <summary>When confirmations do not arrive in time: fail (-NOREPLICAS) | degrade (to async).</summary>
    public string AckOnTimeout { get; set; } = "fail";

    /// <summary>The log (replication backlog) is trimmed once it is larger than this…</summary>
    public long LogRetainBytes { get; set; } = 256L << 20;

    /// <summary>…or it is larger than the data (keys and values) and than this floor — a follower that far behind gets a snapshot, which is smaller…</summary>
    public long LogRetainFloorBytes { get; set; } = 16L << 20;

    /// <summary>…or its oldest entry is older than this; never below what connected followers need…</summary>
    public long LogRetainAgeMs { get; set; } = 60 * 60 * 1000;

    /// <summary>…unless it grows beyond this hard cap (then a lagging follower gets a snapshot instead).</summary>
    public long LogRetainHardCapBytes { get; set; } = 4L << 30;

    /// <summary>How often the retention policy is checked.</summary>
    public int LogRetentionIntervalMs { get; set; } = 5000;

    public int HeartbeatIntervalMs { get; set; } = 100;

    /// <summary>
    /// The replication family: single-leader (the default), multi-leader (one leader per site,
    /// docs/multi-leader.md) or leaderless (Dynamo-style quorums, docs/leaderless.md).
    /// </summary>
    public string Family { get; set; } = "single-leader";

    /// <summary>Multi-leader: this node's site (a name such as s1). Required with Family=multi-leader.</summary>
    public string Site { get; set; } = "";

    /// <summary>Multi-leader: every site and its nodes, e.g. Sites:s1 = "s1n1,s1n2". Every node listed needs an address in Peers.</summary>
    public Dictionary<string, string> Sites { get; set; } = [];

    /// <summary>Multi-leader: how site leaders are linked: "all-to-all" (default), "ring" or "star &lt;hub site&gt;".</summary>
    public string Topology { get; set; } = "all-to-all";

    /// <summary>Multi-leader: conflict policy per key pattern, first match wins, e.g. "doc:*=siblings;*=lww". Keys no rule matches use lww.</summary>
    public string ConflictPolicies { get; set; } = "";

    /// <summary>
    /// Multi-leader: the home site per key pattern, first match wins, e.g. "acct:*=s1;inv:*=s2":
    /// writes to a matching key at any site are made at its home site (conflict avoidance). Default: none.
    /// </summary>
    public string HomeSites { get; set; } = "";

    /// <summary>
    /// Multi-leader: paths of .NET assemblies (separated by ';') whose public IConflictResolver
    /// types the custom:&lt;name&gt; policy may use, besides the built-in max and union. Default: none.
    /// </summary>
    public string ResolverAssemblies { get; set; } = "";

    /// <summary>
    /// Multi-leader: how long a read waits for a custom resolver's on-read handler (IReadResolver)
    /// before it answers without it (the on-write merge; the siblings stay). Default 100 ms.
    /// </summary>
    public int ReadResolverTimeoutMs { get; set; } = 100;

    public bool IsMultiLeader => Family.Equals("multi-leader", StringComparison.OrdinalIgnoreCase);

    public int ResubscribeAfterMs { get; set; } = 1000;

    /// <summary>Leaderless only: the cluster's quorum defaults and switches (docs/leaderless.md).</summary>
    public LeaderlessOptions Leaderless { get; set; } = new();

    /// <summary>Redis's proto-max-bulk-len: the longest bulk string a client may send (a Redis memory amount: 512mb).</summary>
    public string ProtoMaxBulkLen { get; set; } = "512mb";

    /// <summary>The most commands read from one connection before replying (fairness between clients).</summary>
    public int PipelineCommandsMax { get; set; } = 1024;

    /// <summary>
    /// The largest value one write may store and the largest argument it may carry; a log entry
    /// may hold twice this plus 1 MiB (a value and the value it replaces). Anything larger is
    /// refused before it runs. At most 31 MiB while peer messages are capped at 64 MiB.
    /// </summary>
    public string MaxWriteBytes { get; set; } = "8mb";

    /// <summary>Redis's maxclients: more connections than this are refused ("max number of clients reached").</summary>
    public int MaxClients { get; set; } = 10000;

    /// <summary>Redis's client-query-buffer-limit: the most bytes one request may carry.</summary>
    public string ClientQueryBufferLimit { get; set; } = "1gb";

    /// <summary>Redis's client-output-buffer-limit for normal clients: "hard soft seconds" (0 0 0: none).</summary>
    public string ClientOutputBufferLimit { get; set; } = "0 0 0";

    /// <summary>Redis's maxmemory-clients: all connections' buffers together (bytes, or a percentage of the machine's memory; 0: none).</summary>
    public string MaxMemoryClients { get; set; } = "10%";

    /// <summary>Redis's protected-mode (yes | no): while the default user has no password, accept clients on loopback only.</summary>
    public string ProtectedMode { get; set; } = "yes";

    /// <summary>Redis's requirepass: the default user's password (empty: none).</summary>
    public string RequirePass { get; set; } = "";

    /// <summary>Redis's aclfile: users and their permissions, loaded at start-up and by ACL LOAD, written by ACL SAVE.</summary>
    public string AclFile { get; set; } = "";

    /// <summary>Redis's tls-port: a RESP port that speaks TLS (0: none).</summary>
    public int TlsPort { get; set; }

    /// <summary>Redis's tls-cert-file: this node's certificate (PEM).</summary>
    public string TlsCertFile { get; set; } = "";

    /// <summary>Redis's tls-key-file: its private key (PEM).</summary>
    public string TlsKeyFile { get; set; } = "";

    /// <summary>Redis's tls-ca-cert-file: the CA that client certificates must chain to (PEM).</summary>
    public string TlsCaCertFile { get; set; } = "";

    /// <summary>Redis's tls-auth-clients: yes (a client certificate is required), optional (checked when sent), no.</summary>
    public string TlsAuthClients { get; set; } = "yes";

    /// <summary>
    /// Mutual TLS between peers (yes | no). With yes (the default) a node proves who it is with a
    /// certificate from the cluster's CA whose common name is its node id, and talks only to
    /// members that do the same; no is plain HTTP/2 for a network you trust entirely.
    /// </summary>
    public string PeerTls { get; set; } = "yes";

    /// <summary>A directory holding ca.crt and &lt;node id&gt;.crt/.key as `chorus cert` writes them (for the three files below).</summary>
    public string PeerTlsDir { get; set; } = "";

    /// <summary>This node's peer certificate (PEM; its common name is the node id). Default: &lt;PeerTlsDir&gt;/&lt;node id&gt;.crt.</summary>
    public string PeerTlsCertFile { get; set; } = "";

    /// <summary>Its private key (PEM). Default: &lt;PeerTlsDir&gt;/&lt;node id&gt;.key.</summary>
    public string PeerTlsKeyFile { get; set; } = "";

    /// <summary>The cluster's CA (PEM): peers' certificates must chain to it. Default: &lt;PeerTlsDir&gt;/ca.crt.</summary>
    public string PeerTlsCaCertFile { get; set; } = "";

    /// <summary>Redis's yes/no settings (true/false accepted too).</summary>
    public static bool YesNo(string value, string setting) => value.ToLowerInvariant() switch
    {
        "yes" or "true" => true,
        "no" or "false" => false,
        _ => throw new ConfigurationError($"{setting} must be yes or no, not '{value}'"),
    };

    public int PeerPortOrDefault => PeerPort != 0 ? PeerPort : Port + 10000;

    public int HttpPortOrDefault => HttpPort != 0 ? HttpPort : Port + 20000;

    public string DataDirOrDefault => string.IsNullOrEmpty(DataDir) ? Path.Combine("data", NodeId) : DataDir;

    /// <summary>A wildcard bind address listens everywhere, so it names no address anyone can reach.</summary>
    public bool BindsEverywhere => Host is "*" or "0.0.0.0" or "::";

    /// <summary>Looked up once: ClientEndpoint is read for every INFO, ROLE and CLIENT LIST line.</summary>
    private static readonly Lazy<string> MachineName = new(System.Net.Dns.GetHostName);

    public string AnnouncedHost =>
        !string.IsNullOrEmpty(AnnounceHost) ? AnnounceHost
        : !BindsEverywhere ? Host
        : Peers.TryGetValue(NodeId, out var self) && TryPeerUri(self) is { } uri ? uri.Host
        : MachineName.Value;

    /// <summary>The RESP endpoint this node advertises (not necessarily the one it binds).</summary>
    public string ClientEndpoint => $"{AnnouncedHost}:{(AnnouncePort != 0 ? AnnouncePort : Port).ToString(CultureInfo.InvariantCulture)}";

    public DurabilityPolicy DurabilityPolicy =>
        DurabilityPolicies.TryParse(Fsync, out var policy) ? policy : throw new ConfigurationError($"Fsync must be always, everysec or no, not '{Fsync}'");

    public ReplicaWritePolicy ReplicaWritePolicy => ReplicaWrites.ToLowerInvariant() switch
    {
        "forward" => ReplicaWritePolicy.Forward,
        "reject" => ReplicaWritePolicy.Reject,
        "redirect" => ReplicaWritePolicy.Redirect,
        _ => throw new ConfigurationError($"ReplicaWrites must be forward, reject or redirect, not '{ReplicaWrites}'"),
    };

    public FailoverMode FailoverMode => Failover.ToLowerInvariant() switch
    {
        "auto" => FailoverMode.Auto,
        "manual" => FailoverMode.Manual,
        _ => throw new ConfigurationError($"Failover must be auto or manual, not '{Failover}'"),
    };

    /// <summary>The acknowledgement policy these settings describe.</summary>
    public AckPolicy AckPolicy
    {
        get
        {
            if (!AckPolicy.TryParseMode(Ack, out var mode, out var count))
            {
                throw new ConfigurationError($"Ack must be async, semi-sync any K or sync all, not '{Ack}'");
            }
            if (!AckPolicy.TryParseLevel(AckLevel, out var level))
            {
                throw new ConfigurationError($"AckLevel must be received, flushed or applied, not '{AckLevel}'");
            }
            if (!AckPolicy.TryParseTimeoutAction(AckOnTimeout, out var onTimeout))
            {
                throw new ConfigurationError($"AckOnTimeout must be fail or degrade, not '{AckOnTimeout}'");
            }
            if (AckTimeoutMs <= 0)
            {
                throw new ConfigurationError("AckTimeoutMs must be positive");
            }
            return new AckPolicy(mode, count, level, AckTimeoutMs, onTimeout);
        }
    }

    /// <summary>Checks the settings and returns the cluster members' peer addresses.</summary>
    public IReadOnlyDictionary<NodeId, Uri> Validate()
    {
        var self = Parse(NodeId, nameof(NodeId));
        _ = DurabilityPolicy;
        _ = ReplicaWritePolicy;
        _ = FailoverMode;
        if (ElectionTimeoutMs < HeartbeatIntervalMs * 3)
        {
            throw new ConfigurationError($"ElectionTimeoutMs ({ElectionTimeoutMs}) must be at least three heartbeat intervals ({HeartbeatIntervalMs * 3})");
        }
        _ = AckPolicy;
        _ = LogFormatSetting;
        _ = UnknownStatementPolicy;
        _ = IsLeaderless;
        _ = ClientLimitSettings.FromOptions(this);
        _ = YesNo(ProtectedMode, nameof(ProtectedMode));
        _ = YesNo(PeerTls, nameof(PeerTls));
        if (!string.IsNullOrEmpty(AclFile) && !string.IsNullOrEmpty(RequirePass))
        {
            throw new ConfigurationError("RequirePass and AclFile cannot both be set: give the default user its password in the ACL file");
        }
        if (string.IsNullOrWhiteSpace(SentinelMasterName) || SentinelMasterName.Any(char.IsWhiteSpace))
        {
            // +switch-master messages are space-separated: a name with a space would split.
            throw new ConfigurationError($"SentinelMasterName must be a non-empty name without spaces, not '{SentinelMasterName}'");
        }
        if (AnnouncePort is < 0 or > 65535)
        {
            throw new ConfigurationError($"AnnouncePort must be a port number (0 for Port), not {AnnouncePort}");
        }
        var peers = Peers.Count == 0
            ? new Dictionary<NodeId, Uri> { [self] = PeerUri($"{AnnouncedHost}:{PeerPortOrDefault}") }
            : Peers.ToDictionary(p => Parse(p.Key, "Peers"), p => PeerUri(p.Value));
        if (!peers.ContainsKey(self))
        {
            throw new ConfigurationError($"Peers must include this node ({self})");
        }
        if (IsMultiLeader)
        {
            _ = SiteConfiguration.Build(this, peers);
        }
        var leader = string.IsNullOrEmpty(Leader) ? self : Parse(Leader, nameof(Leader));
        if (!peers.ContainsKey(leader))
        {
            throw new ConfigurationError($"the leader {leader} is not in Peers");
        }
        Security.PeerCertificates.Validate(this, peers.Count);
        if (IsLeaderless && Leaderless.ToSettings().Problem(peers.Count) is { } problem)
        {
            throw new ConfigurationError($"Leaderless: {problem}");
        }
        return peers;
    }

    /// <summary>Whether this node runs the leaderless family.</summary>
    public bool IsLeaderless => Family.ToLowerInvariant() switch
    {
        "single-leader" or "singleleader" => false,
        "leaderless" => true,
        "multi-leader" => false,
        _ => throw new ConfigurationError($"Family must be single-leader, multi-leader or leaderless, not '{Family}'"),
    };

    public NodeId Self => new(NodeId);

    public NodeId LeaderId => string.IsNullOrEmpty(Leader) ? Self : new NodeId(Leader);

    private static NodeId Parse(string value, string setting)
    {
        try
        {
            return new NodeId(value);
        }
        catch (ArgumentException e)
        {
            throw new ConfigurationError($"{setting}: {e.Message}");
        }
    }

    private static Uri PeerUri(string hostPort) =>
        TryPeerUri(hostPort) ?? throw new ConfigurationError($"'{hostPort}' is not a host:port peer address");

    private static Uri? TryPeerUri(string hostPort)
    {
        var text = hostPort.Contains("://", StringComparison.Ordinal) ? hostPort : "http://" + hostPort;
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Port > 0 ? uri : null;
    }
}

/// <summary>What a follower does with a client's write.</summary>
public enum ReplicaWritePolicy
{
    Forward,
    Reject,
    Redirect,
}

/// <summary>A setting that cannot work; the message says which and why.</summary>
public sealed class ConfigurationError(string message) : Exception(message);
