using System.Globalization;
using Chorus.Resp;

namespace Chorus.Commands.Execution;

/// <summary>
/// How large one write may be, so that every log entry the leader accepts can be stored,
/// replicated and rolled back (issue 17: a 170 MB SET was acknowledged, could not replicate and
/// crash-looped the node that had to roll it back). A write is refused before it changes anything.
/// <list type="bullet">
/// <item>Its arguments carry at most <see cref="WriteBytesMax"/> bytes (checked at the door).</item>
/// <item>No string it writes holds more than <see cref="WriteBytesMax"/> bytes afterwards, so any
/// later entry about that key (an overwrite, a delete, an expiry) fits too. Collections need no
/// such bound: their elements are arguments, and an entry that deletes or overwrites one carries
/// its image (type, expiry, count), never its elements.</item>
/// <item>Its log entry — new values and the before-images it replaces — is at most
/// <see cref="EntryBytesMax"/>: one full-size value replacing another, plus room for keys.</item>
/// </list>
/// </summary>
public sealed record WriteLimits(long WriteBytesMax)
{
    /// <summary>Room in an entry, beyond two full-size values, for keys, framing and small changes.</summary>
    public const long EntryOverheadBytes = 1L << 20;

    /// <summary>
    /// Chorus's default chorus-max-write-bytes: 8 MiB, so an overwrite's entry (16 MiB and a bit)
    /// ships well within an election timeout even on a busy machine, while heartbeats wait behind
    /// it on the peer stream (in 1 MiB pieces since issue 17). Larger limits work up to 31 MiB, but
    /// writing and applying a 62 MiB entry can hold a node's loop for seconds on a loaded machine.
    /// </summary>
    public const long DefaultWriteBytesMax = 8L << 20;

    public static WriteLimits Default { get; } = new(DefaultWriteBytesMax);

    /// <summary>No limit: for the node's own writes (expiry), which must never be refused.</summary>
    public static WriteLimits Unbounded { get; } = new(long.MaxValue / 4);

    /// <summary>The largest log entry one write may produce.</summary>
    public long EntryBytesMax => 2 * WriteBytesMax + EntryOverheadBytes;

    /// <summary>The largest max-write-bytes whose entries fit in <paramref name="messageBytesMax"/>.</summary>
    public static long LargestFor(long messageBytesMax) => (messageBytesMax - 2 * EntryOverheadBytes) / 2;

    /// <summary>
    /// The door check, before a write is executed or forwarded: no argument may be larger than
    /// <see cref="WriteBytesMax"/> (no stored value can hold it) and all of them together no larger
    /// than <see cref="EntryBytesMax"/>. Returns the error reply, or null when the write may run.
    /// </summary>
    public string? CheckArguments(RespCommand command)
    {
        long total = 0;
        long largest = 0;
        for (var i = 1; i < command.ArgumentCount; i++)
        {
            var length = command[i].Length;
            total += length;
            largest = Math.Max(largest, length);
        }
        return largest > WriteBytesMax ? ArgumentTooLarge(largest)
            : total > EntryBytesMax ? EntryTooLarge(total)
            : null;
    }

    public string ArgumentTooLarge(long bytes) =>
        string.Create(CultureInfo.InvariantCulture, $"ERR write too large: an argument of {bytes} bytes, more than chorus-max-write-bytes ({WriteBytesMax})");

    public string ValueTooLarge(long bytes) =>
        string.Create(CultureInfo.InvariantCulture, $"ERR value too large: the key would hold {bytes} bytes, more than chorus-max-write-bytes ({WriteBytesMax})");

    public string EntryTooLarge(long bytes) =>
        string.Create(CultureInfo.InvariantCulture, $"ERR write too large: its log entry (new values and the values they replace) would be {bytes} bytes, more than {EntryBytesMax} (twice chorus-max-write-bytes plus 1 MiB); split it into smaller commands");
}

/// <summary>A write was refused by <see cref="WriteLimits"/>; <see cref="Exception.Message"/> is the reply.</summary>
public sealed class WriteTooLargeException(string reply) : WriteRefusedException(reply);

/// <summary>A write refused before it took effect; the message is the client's reply (the executor undoes what was recorded).</summary>
public class WriteRefusedException(string reply) : Exception(reply);
