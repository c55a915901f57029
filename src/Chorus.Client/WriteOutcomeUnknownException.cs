namespace Chorus.Client;

/// <summary>
/// A write whose outcome the cluster could not tell: it may or may not have been applied (the
/// leader changed while it was in flight, or the connection broke after it was sent). The client
/// never retries such a write by itself; read the key, or make the write idempotent and retry.
/// </summary>
public sealed class WriteOutcomeUnknownException(string message, Exception inner) : Exception(message, inner);
