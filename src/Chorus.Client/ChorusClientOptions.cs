namespace Chorus.Client;

/// <summary>
/// How a <see cref="ChorusClient"/> finds the cluster and what its sessions ask for. Bind it from
/// configuration (<c>services.AddChorusClient(configuration.GetSection("Chorus").Bind)</c>) or set
/// it in code; <see cref="Validate"/> runs when the client is created.
/// </summary>
public sealed class ChorusClientOptions
{
    /// <summary>
    /// The nodes' RESP endpoints, <c>host:port</c>. List every node: the client reads from the
    /// followers it knows and finds the leader among them. No default.
    /// </summary>
    public IList<string> Endpoints { get; } = [];

    /// <summary>The ACL user, when the nodes require one (default: none, the default user).</summary>
    public string? User { get; set; }

    /// <summary>The password for AUTH (default: none).</summary>
    public string? Password { get; set; }

    /// <summary>The read level of a new session (default <see cref="ReadLevel.Eventual"/>).</summary>
    public ReadLevel DefaultLevel { get; set; } = ReadLevel.Eventual;

    /// <summary>The staleness bound when <see cref="DefaultLevel"/> is <see cref="ReadLevel.Bounded"/> (default 1 s).</summary>
    public TimeSpan StalenessBound { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a follower may hold a guarded read back until it has caught up, before the client
    /// reads at the leader instead (default 200 ms; 0 goes to the leader at once).
    /// </summary>
    public TimeSpan FollowerReadWait { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Whether reads go to followers (default true: the reason followers exist). False sends every
    /// read to the leader, which serves every level without waiting.
    /// </summary>
    public bool ReadFromFollowers { get; set; } = true;

    /// <summary>How often the client asks every node for its role and lag (default 1 s).</summary>
    public TimeSpan TopologyRefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a write the cluster refused without applying it (no leader yet, an election under
    /// way, the leader unreachable) is retried at the leader the client finds next (default 10 s).
    /// A write whose outcome is unknown is never retried: it fails with
    /// <see cref="WriteOutcomeUnknownException"/>.
    /// </summary>
    public TimeSpan WriteRetryTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Connect and command timeout of the underlying connections (default 5 s).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Checks every setting; throws <see cref="ArgumentException"/> naming the first bad one.</summary>
    public void Validate()
    {
        if (Endpoints.Count == 0)
        {
            throw new ArgumentException("ChorusClientOptions.Endpoints is empty: list the nodes' host:port endpoints", nameof(Endpoints));
        }
        foreach (var endpoint in Endpoints)
        {
            var colon = endpoint.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(endpoint.AsSpan(colon + 1), out var port) || port is < 1 or > 65535)
            {
                throw new ArgumentException($"ChorusClientOptions.Endpoints: '{endpoint}' is not host:port", nameof(Endpoints));
            }
        }
        if (!Enum.IsDefined(DefaultLevel))
        {
            throw new ArgumentException($"ChorusClientOptions.DefaultLevel: {DefaultLevel} is not a read level", nameof(DefaultLevel));
        }
        NotNegative(StalenessBound, nameof(StalenessBound));
        NotNegative(FollowerReadWait, nameof(FollowerReadWait));
        NotNegative(WriteRetryTimeout, nameof(WriteRetryTimeout));
        Positive(TopologyRefreshInterval, nameof(TopologyRefreshInterval));
        Positive(ConnectTimeout, nameof(ConnectTimeout));
        if (FollowerReadWait > TimeSpan.FromSeconds(60))
        {
            throw new ArgumentException("ChorusClientOptions.FollowerReadWait: at most 60 s (the node's limit for a read's wait)", nameof(FollowerReadWait));
        }
    }

    /// <summary>The level a new session starts with.</summary>
    public ReadConsistency DefaultConsistency => ReadConsistency.Of(DefaultLevel, StalenessBound);

    private static void NotNegative(TimeSpan value, string name)
    {
        if (value < TimeSpan.Zero)
        {
            throw new ArgumentException($"ChorusClientOptions.{name} is negative ({value})", name);
        }
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentException($"ChorusClientOptions.{name} must be positive ({value})", name);
        }
    }
}
