using Chorus.Core;
using Chorus.Replication;

namespace Chorus.Server.Sentinel;

/// <summary>
/// Where clients reach each member and which member leads, as this node has learned it: its own
/// announced endpoint, the leader's (every follower hears it with each append), the followers'
/// (the leader hears them when they subscribe; a node remembers them after it stops leading) and
/// any in the cluster's member list. A Redis Sentinel keeps reporting the last master it knows
/// until a failover completes; so does this book, so a client that asks during an election gets
/// the old leader (and moves when the new one is announced) rather than nothing. Updated on the
/// node's loop and by SENTINEL, read from connection threads.
/// </summary>
internal sealed class ClientAddressBook(NodeId self, string selfEndpoint)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<NodeId, string> _endpoints = new() { [self] = selfEndpoint };
    private NodeId? _leader;

    /// <summary>A leader: its id and client endpoint ("host:port").</summary>
    public sealed record Leader(NodeId Id, string Endpoint);

    /// <summary>
    /// Records what <paramref name="status"/> tells; returns the leader it names (or the last one
    /// known if it names none) and the leader that one replaced, if it just changed.
    /// </summary>
    public (Leader? Current, Leader? Replaced) Learn(NodeStatus status)
    {
        lock (_lock)
        {
            foreach (var member in status.Settings.Members.Where(m => !string.IsNullOrEmpty(m.ClientEndpoint)))
            {
                _endpoints.TryAdd(member.Id, member.ClientEndpoint);
            }
            foreach (var follower in status.Followers.Where(f => !string.IsNullOrEmpty(f.ClientEndpoint)))
            {
                _endpoints[follower.Id] = follower.ClientEndpoint;
            }
            if (status.Leader is { } leader && leader != self && status.Link?.LeaderClientEndpoint is { Length: > 0 } announced)
            {
                _endpoints[leader] = announced;
            }
            var previous = _leader;
            _leader = status.Leader ?? _leader;
            var replaced = previous is { } old && _leader is { } now && old != now ? Describe(old) : null;
            return (_leader is { } current ? Describe(current) : null, replaced);
        }
    }

    /// <summary>A member's client endpoint, if this node has learned it.</summary>
    public string? EndpointOf(NodeId id)
    {
        lock (_lock)
        {
            return _endpoints.GetValueOrDefault(id);
        }
    }

    private Leader Describe(NodeId id) => new(id, _endpoints.GetValueOrDefault(id) ?? id.Value);
}
