using Chorus.Commands.Execution;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;

namespace Chorus.Commands.Data.Strings;

/// <summary>Stores string values by recording row changes.</summary>
internal static class StringWrites
{
    /// <summary>
    /// The key now holds the string <paramref name="value"/> with <paramref name="expiresAtMs"/>
    /// (0 = none). Records nothing when the stored bytes would not change, so a command that
    /// changes nothing produces no log entry.
    /// </summary>
    public static void Put(WriteContext context, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long expiresAtMs)
    {
        var encoded = Records.String(value, expiresAtMs);
        var current = context.GetStored(context.Db, key);
        if (current is not null && current.AsSpan().SequenceEqual(encoded))
        {
            context.Touch(context.Db, key);
            return;
        }
        context.Record(new PutChange(context.Db, key.ToArray(), encoded, current is null ? null : Records.ImageOf(current)));
    }

    /// <summary>
    /// Writes <paramref name="bytes"/> into the string at <paramref name="offset"/>, zero-padding as
    /// needed, or creates it when <paramref name="live"/> is null. Logs only the patch (and the bytes
    /// it overwrites), never the whole string. The caller has checked the resulting length.
    /// </summary>
    public static void Patch(WriteContext context, ReadOnlySpan<byte> key, byte[]? live, long offset, ReadOnlySpan<byte> bytes)
    {
        if (live is null)
        {
            context.RemoveExpired(context.Db, key);
            context.Record(new PatchChange(context.Db, key.ToArray(), offset, bytes.ToArray(), [], 0, Created: true));
            return;
        }
        var old = KeyRecord.Parse(live).Payload;
        var overlapEnd = Math.Min(old.Length, offset + bytes.Length);
        ReadOnlySpan<byte> replaced = offset < overlapEnd ? old[(int)offset..(int)overlapEnd] : [];
        if (replaced.SequenceEqual(bytes) && offset + bytes.Length <= old.Length)
        {
            context.Touch(context.Db, key);
            return;
        }
        context.Record(new PatchChange(context.Db, key.ToArray(), offset, bytes.ToArray(), replaced.ToArray(), old.Length, Created: false));
    }

    /// <summary>
    /// Logs the difference between a string's bytes <paramref name="before"/> and
    /// <paramref name="after"/> (which is at least as long) as patches: one per run of changed
    /// bytes, and one more byte at the end when the string only grew. So growing a string by
    /// megabytes of zeros logs one byte, not megabytes.
    /// </summary>
    public static void PatchChanges(WriteContext context, ReadOnlySpan<byte> key, byte[]? live, byte[] before, byte[] after)
    {
        var patched = false;
        var end = 0;
        for (var i = 0; i < after.Length; i++)
        {
            if (Byte(before, i) == after[i])
            {
                continue;
            }
            var run = i;
            while (i < after.Length && Byte(before, i) != after[i])
            {
                i++;
            }
            Patch(context, key, patched ? context.GetLive(key) : live, run, after.AsSpan(run, i - run));
            patched = true;
            end = i;
        }
        if (after.Length > Math.Max(end, before.Length))
        {
            Patch(context, key, patched ? context.GetLive(key) : live, after.Length - 1, after.AsSpan(after.Length - 1, 1));
        }
    }

    private static byte Byte(byte[] text, int i) => i < text.Length ? text[i] : (byte)0;

    /// <summary>The expiry a value keeps when a command rewrites it in place (INCR, APPEND...).</summary>
    public static long ExpiryOf(byte[]? live) => live is null ? 0 : KeyRecord.ExpiryOf(live);
}
