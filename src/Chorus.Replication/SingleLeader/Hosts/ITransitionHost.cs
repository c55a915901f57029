using Chorus.Core;

namespace Chorus.Replication.SingleLeader;

/// <summary>
/// What <see cref="RoleChanges"/> needs of the core: who this node is, how many vote, where its
/// log ends, and the effects a transition has on the Ready (hard state, completions, notices).
/// The role state itself (epoch, vote, role, leader) belongs to <see cref="RoleChanges"/>.
/// </summary>
internal interface ITransitionHost
{
    NodeId Self { get; }

    /// <summary>How many members vote (this node included, when it votes).</summary>
    int VoterCount { get; }

    /// <summary>Where this node's log ends (for the log lines).</summary>
    LogPosition LastPosition { get; }

    /// <summary>The new epoch and vote are stored (synced) before anything that depends on them leaves.</summary>
    void Persist(HardState hardState);

    void Complete(ProposalCompletion completion);

    void Notice(string text);

    void Announce(Notice notice);
}
