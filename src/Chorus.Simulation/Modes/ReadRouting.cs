namespace Chorus.Simulation.Modes;

/// <summary>Where clients send reads (writes always go to the leader).</summary>
public enum ReadRouting
{
    /// <summary>Every read at the leader.</summary>
    Leader,

    /// <summary>Every read at a node chosen at random: the leader or any follower.</summary>
    AnyNode,

    /// <summary>
    /// Read-your-writes by "leader window": read at the leader for a while after the session's
    /// last acknowledged write, elsewhere at a random node (DDIA ch. 5's "read from the leader for
    /// one minute after the last update"). Correct only if the window outlasts the lag.
    /// </summary>
    LeaderWindow,
}
