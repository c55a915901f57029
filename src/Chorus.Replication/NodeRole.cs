namespace Chorus.Replication;

public enum NodeRole
{
    Leader,
    Follower,

    /// <summary>Asking for votes (first a pre-vote, then a real one) to become leader.</summary>
    Candidate,
}
