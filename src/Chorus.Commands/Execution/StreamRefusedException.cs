namespace Chorus.Commands.Execution;

/// <summary>
/// A follower will not apply an entry its leader sent, for a reason that is not corruption but a
/// mismatch between builds or layouts (a physical entry for another storage format, a statement
/// naming a command this build does not know). Nothing of the entry has been stored; the node
/// stops replicating and says why (docs/log-formats.md) rather than guess.
/// </summary>
public class StreamRefusedException(string message) : Exception(message);
