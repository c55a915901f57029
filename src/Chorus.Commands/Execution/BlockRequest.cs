namespace Chorus.Commands.Execution;

/// <summary>
/// A blocking command found nothing to pop: it waits for one of <paramref name="Keys"/> (in the
/// command's database) to change, for up to <paramref name="TimeoutMs"/> (0: forever). The host
/// runs the command again when one does — as <paramref name="Retry"/> when given (XREAD with
/// <c>$</c> waits for ids after the ones it saw when it blocked, not after whatever is last at the
/// retry) — and replies with a null array at the deadline.
/// </summary>
public sealed record BlockRequest(long TimeoutMs, IReadOnlyList<byte[]> Keys, IReadOnlyList<byte[]>? Retry = null);
