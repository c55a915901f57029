namespace Chorus.Replication;

public enum NodeRole
{
    Leader,
    Follower,
}
