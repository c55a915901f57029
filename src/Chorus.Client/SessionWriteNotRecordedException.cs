namespace Chorus.Client;

/// <summary>
/// A named session's write was applied (the cluster acknowledged it), but the cluster could not
/// be told that the session made it before the write's retry time ran out: this device reads it,
/// the session's other devices may not until they read at the leader. Not a lost write.
/// </summary>
public sealed class SessionWriteNotRecordedException(string message, Exception inner) : Exception(message, inner);
