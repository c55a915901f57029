using System.Collections.Frozen;
using Chorus.Core;

namespace Chorus.Transport.Grpc.Security;

/// <summary>
/// The nodes allowed to talk to this one: the cluster's members (voters and learners) as the
/// replicated settings say, starting from the configured peers. Read by every incoming
/// connection and call, replaced as a whole when the membership changes.
/// </summary>
public sealed class PeerMembership(IEnumerable<NodeId> members)
{
    private volatile FrozenSet<NodeId> _members = members.ToFrozenSet();

    public bool IsMember(NodeId node) => _members.Contains(node);

    public IReadOnlySet<NodeId> Members => _members;

    public void Replace(IEnumerable<NodeId> members) => _members = members.ToFrozenSet();
}
