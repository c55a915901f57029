using Chorus.Commands.Execution;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;
using Chorus.Core;

namespace Chorus.Commands.Data.Hashes;

/// <summary>Changes hashes by recording element changes with exact before-images.</summary>
internal static class HashWrites
{
    /// <summary>
    /// Sets fields, in argument order, on the hash whose live record is <paramref name="live"/>, or
    /// on a new hash when it is null; returns how many fields were new. Each assignment is logged
    /// with the value it replaced at that moment (a field named twice appears twice); nothing is
    /// logged when no value changes. One element read per distinct field.
    /// </summary>
    public static int SetFields(WriteContext context, ReadOnlySpan<byte> key, byte[]? live, IReadOnlyList<(byte[] Field, byte[] Value)> pairs)
    {
        var id = live is null ? 0 : KeyRecord.Parse(live).CollectionId;
        var seen = pairs.Count > 1 ? new Dictionary<byte[], byte[]>(ByteArrayComparer.Instance) : null;
        var changes = new FieldChange[pairs.Count];
        var created = 0;
        var changed = false;
        for (var i = 0; i < pairs.Count; i++)
        {
            var (field, value) = pairs[i];
            byte[]? previous = null;
            if (seen is null || !seen.TryGetValue(field, out previous))
            {
                previous = live is null ? null : ElementReads.GetNamed(context, id, field);
            }
            if (seen is not null)
            {
                seen[field] = value;
            }
            created += previous is null ? 1 : 0;
            changed |= previous is null || !previous.AsSpan().SequenceEqual(value);
            changes[i] = new FieldChange(field, value, previous);
        }
        if (live is null)
        {
            context.RemoveExpired(context.Db, key);
            context.Record(new HashChange(context.Db, key.ToArray(), null, changes));
        }
        else if (changed)
        {
            context.Record(new HashChange(context.Db, key.ToArray(), Records.ImageOf(live), changes));
        }
        else
        {
            context.Touch(context.Db, key);
        }
        return created;
    }

    /// <summary>Sets one field; the common case of <see cref="SetFields"/>.</summary>
    public static void SetField(WriteContext context, ReadOnlySpan<byte> key, byte[]? live, ReadOnlySpan<byte> field, ReadOnlySpan<byte> value) =>
        SetFields(context, key, live, [(field.ToArray(), value.ToArray())]);
}
