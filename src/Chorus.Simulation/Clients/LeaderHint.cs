using Chorus.Core;

namespace Chorus.Simulation.Clients;

/// <summary>
/// A client's belief about which node leads, as a Redis client keeps one: it starts at the
/// configured leader, follows a redirect that names another, and moves on to the next node when
/// the one it tried is down, knows no leader, or does not answer.
/// </summary>
internal sealed class LeaderHint(IReadOnlyList<NodeId> members, NodeId initial)
{
    public NodeId Current { get; private set; } = initial;

    public void Follow(NodeId leader) => Current = leader;

    /// <summary>The node after <paramref name="tried"/> in member order becomes the guess (unless the guess already moved on).</summary>
    public void MovePast(NodeId tried)
    {
        if (Current == tried)
        {
            Current = members[(IndexOf(tried) + 1) % members.Count];
        }
    }

    private int IndexOf(NodeId node)
    {
        for (var i = 0; i < members.Count; i++)
        {
            if (members[i] == node)
            {
                return i;
            }
        }
        return 0;
    }
}
