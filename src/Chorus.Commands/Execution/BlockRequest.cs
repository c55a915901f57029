namespace Chorus.Commands.Execution;

/// <summary>
/// A blocking command found nothing to pop: it waits for one of <paramref name="Keys"/> (in the
/// command's database) to change, for up to <paramref name="TimeoutMs"/> (0: forever). The host
/// runs the command again when one does, and replies with a null array at the deadline.
/// </summary>
public sealed record BlockRequest(long TimeoutMs, IReadOnlyList<byte[]> Keys);
