namespace Chorus.Node;

/// <summary>
/// Lets a blocked client go (CLIENT UNBLOCK, or its connection closed): completes with whether
/// <paramref name="Batch"/> was still blocked. A client served meanwhile keeps what it popped.
/// </summary>
public sealed record UnblockInput(ClientWriteBatch Batch, UnblockHow How, TaskCompletionSource<bool> Completion) : NodeInput;
