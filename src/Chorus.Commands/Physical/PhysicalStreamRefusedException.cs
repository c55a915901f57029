namespace Chorus.Commands.Physical;

/// <summary>
/// A follower cannot apply a physical entry: it was written for another storage format
/// version, or this node's physical layout is not the leader's. Nothing of the entry has been
/// stored; the node stops replicating (and says why) rather than write bytes it would misread.
/// </summary>
public sealed class PhysicalStreamRefusedException(string message) : Execution.StreamRefusedException(message);
