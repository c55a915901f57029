using System.Globalization;
using Chorus.Core;
using Chorus.Replication;
using Chorus.Replication.Membership;
using Chorus.Replication.Progress;
using Chorus.Resp;
using Chorus.Server.Commands;

namespace Chorus.Server.Sentinel;

/// <summary>
/// The cluster as a Redis Sentinel describes a monitored master: the leader is the master, the
/// other members are its replicas and, since every node answers SENTINEL, its sentinels too. The
/// field names and order are Sentinel's; values Chorus has no notion of (ping times, link
/// reference counts) are reported as a healthy Sentinel would report them.
/// </summary>
internal sealed class SentinelView
{
    private readonly NodeServices _node;

    public SentinelView(NodeServices node)
    {
        _node = node;
        Status = node.Driver.Status;
        Master = node.Addresses.Learn(Status).Current;
    }

    public NodeStatus Status { get; }

    /// <summary>The leader now, or the last one known while an election runs (null: none known yet).</summary>
    public ClientAddressBook.Leader? Master { get; }

    /// <summary>Members with a vote: what a quorum is counted from.</summary>
    public int Voters => Status.Settings.Voters.Count();

    /// <summary>Whether <paramref name="name"/> is the master name this node answers for.</summary>
    public bool Names(ReadOnlySpan<byte> name) => System.Text.Encoding.UTF8.GetString(name) == _node.Options.SentinelMasterName;

    /// <summary>A stable 40-hex id for a member (Sentinel's runid).</summary>
    public string RunId(NodeId id) => ReplicationId.Of(id, Epoch.Zero);

    public void WriteMaster(RespWriter reply)
    {
        if (Master is not { } master)
        {
            return;
        }
        var (host, port) = InfoBuilder.SplitEndpoint(master.Endpoint);
        var down = Status.Leader is null;
        List<(string, string)> fields =
        [
            .. Instance(_node.Options.SentinelMasterName, host, port, RunId(master.Id), down ? "master,s_down" : "master"),
            ("info-refresh", "0"),
            ("role-reported", "master"),
            ("role-reported-time", "0"),
            ("config-epoch", Number((long)Status.Epoch.Value)),
            ("num-slaves", Number(Replicas().Count)),
            ("num-other-sentinels", Number(Others().Count)),
            ("quorum", Number(Voters / 2 + 1)),
            ("failover-timeout", Number(_node.Options.ElectionTimeoutMs * 2L)),
            ("parallel-syncs", "1"),
        ];
        WriteFields(reply, fields);
    }

    public void WriteReplicas(RespWriter reply)
    {
        var replicas = Replicas();
        var (masterHost, masterPort) = InfoBuilder.SplitEndpoint(Master?.Endpoint ?? "");
        reply.WriteArrayHeader(replicas.Count);
        foreach (var (member, endpoint) in replicas)
        {
            var (host, port) = InfoBuilder.SplitEndpoint(endpoint);
            var progress = Status.Followers.FirstOrDefault(f => f.Id == member.Id);
            // Only the leader sees its followers' links; elsewhere a member is presumed up.
            var down = Status.Role == NodeRole.Leader && progress?.State != FollowerState.Replicating;
            WriteFields(reply,
            [
                .. Instance(endpoint, host, port, RunId(member.Id), down ? "slave,s_down" : "slave"),
                ("info-refresh", "0"),
                ("role-reported", "slave"),
                ("role-reported-time", "0"),
                ("master-link-down-time", "0"),
                ("master-link-status", down ? "err" : "ok"),
                ("master-host", masterHost),
                ("master-port", masterPort),
                ("slave-priority", member.Role == MemberRole.Voter ? "100" : "0"),
                ("slave-repl-offset", Number((long)(progress?.Match.Value ?? 0))),
                ("replica-announced", "1"),
            ]);
        }
    }

    public void WriteSentinels(RespWriter reply)
    {
        var others = Others();
        reply.WriteArrayHeader(others.Count);
        foreach (var (member, endpoint) in others)
        {
            var (host, port) = InfoBuilder.SplitEndpoint(endpoint);
            WriteFields(reply,
            [
                .. Instance(RunId(member.Id), host, port, RunId(member.Id), "sentinel"),
                ("last-hello-message", "0"),
                ("voted-leader", "?"),
                ("voted-leader-epoch", "0"),
            ]);
        }
    }

    /// <summary>Members other than the master, with the client endpoints this node has learned (see <see cref="ClientAddressBook"/>).</summary>
    private List<(Member Member, string Endpoint)> Replicas() => Reachable(m => m.Id != Master?.Id);

    /// <summary>The other nodes: each answers SENTINEL too.</summary>
    private List<(Member Member, string Endpoint)> Others() => Reachable(m => m.Id != Status.Self);

    private List<(Member, string)> Reachable(Func<Member, bool> which) =>
        [.. Status.Settings.Members.Where(which).Select(m => (m, _node.Addresses.EndpointOf(m.Id))).Where(p => p.Item2 is not null).Select(p => (p.m, p.Item2!))];

    /// <summary>The fields that open every instance Sentinel describes (master, replica or sentinel), in its order.</summary>
    private List<(string Name, string Value)> Instance(string name, string host, string port, string runId, string flags) =>
    [
        ("name", name),
        ("ip", host),
        ("port", port),
        ("runid", runId),
        ("flags", flags),
        ("link-pending-commands", "0"),
        ("link-refcount", "1"),
        ("last-ping-sent", "0"),
        ("last-ok-ping-reply", "0"),
        ("last-ping-reply", "0"),
        ("down-after-milliseconds", Number(_node.Options.ElectionTimeoutMs)),
    ];

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Sentinel's instance description: a map in RESP3, a flat array of names and values in RESP2.</summary>
    private static void WriteFields(RespWriter reply, List<(string Name, string Value)> fields)
    {
        reply.WriteMapHeader(fields.Count);
        foreach (var (name, value) in fields)
        {
            reply.WriteBulkString(name);
            reply.WriteBulkString(value);
        }
    }
}
