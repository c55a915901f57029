using System.Text.Json;

namespace Chorus.Cli;

/// <summary>
/// The local cluster's description, written by `cluster up` into the data directory so that
/// `chorus status` (and people) can find every node.
/// </summary>
internal sealed record ClusterFile(string Leader, IReadOnlyList<ClusterFile.Member> Members)
{
    public const string FileName = "cluster.json";

    /// <summary>The replication family `cluster up` started (null in files written before it was recorded: single-leader or multi-leader).</summary>
    public string? Family { get; init; }

    /// <summary>Settings `cluster up` gave every node beyond the addresses (the family's, such as --n 3 --w 2), for `chorus node add`.</summary>
    public IReadOnlyList<string> NodeSettings { get; init; } = [];

    public bool IsLeaderless => string.Equals(Family, "leaderless", StringComparison.OrdinalIgnoreCase);

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>One node; <paramref name="Site"/> is its site in a multi-leader cluster (null otherwise).</summary>
    public sealed record Member(string Id, string Host, int Port, int PeerPort, int HttpPort, string DataDir, string? Site = null)
    {
        /// <summary>Sends one command to this node over a fresh connection and returns the reply (a refused AUTH is an error reply).</summary>
        public async Task<Resp.RespValue> SendAsync(CancellationToken cancellationToken, params string[] command)
        {
            try
            {
                await using var connection = await NodeConnection.OpenAsync(Host, Port, TimeSpan.FromSeconds(5), cancellationToken);
                var reply = await connection.CommandAsync(cancellationToken, command);
                return reply.IsError ? Resp.RespValue.Error(NodeConnection.Explain(Host, Port, reply.AsString() ?? "")) : reply;
            }
            catch (NodeRefusedException e)
            {
                return Resp.RespValue.Error(e.Message);
            }
        }
    }

    public void Save(string dataRoot) =>
        File.WriteAllText(Path.Combine(dataRoot, FileName), JsonSerializer.Serialize(this, Json));

    /// <summary>
    /// The member that leads now (failover may have moved leadership away from the configured
    /// leader): among the reachable nodes that say they lead, the one with the newest epoch.
    /// </summary>
    public async Task<Member?> FindLeaderAsync(CancellationToken cancellationToken)
    {
        Member? leader = null;
        var leaderEpoch = -1L;
        foreach (var member in Members)
        {
            var info = await NodeInfo.TryFetchAsync(member.Host, member.Port, cancellationToken);
            if (info?.GetValueOrDefault("chorus_role") == "leader"
                && long.TryParse(info.GetValueOrDefault("chorus_epoch"), System.Globalization.CultureInfo.InvariantCulture, out var epoch)
                && epoch > leaderEpoch)
            {
                (leader, leaderEpoch) = (member, epoch);
            }
        }
        return leader;
    }

    public static ClusterFile? Load(string dataRoot)
    {
        var path = Path.Combine(dataRoot, FileName);
        return File.Exists(path) ? JsonSerializer.Deserialize<ClusterFile>(File.ReadAllText(path), Json) : null;
    }
}
