using Chorus.Commands.Execution;
using Chorus.Commands.Logical;
using Chorus.Commands.Values;

namespace Chorus.Commands.Data.Hashes;

/// <summary>Changes hashes by recording row changes with exact before-images.</summary>
internal static class HashWrites
{
    /// <summary>
    /// Sets fields, in argument order, on the hash whose payload is <paramref name="payload"/>
    /// (when <paramref name="exists"/>) or on a new hash; returns how many fields were new.
    /// An existing hash gets a <see cref="HashSetChange"/> listing every assignment with the
    /// value it replaced at that moment (a field named twice appears twice), and nothing when
    /// no value changes; a new hash is one <see cref="PutChange"/>.
    /// </summary>
    public static int SetFields(WriteContext context, ReadOnlySpan<byte> key, bool exists, ReadOnlySpan<byte> payload, IReadOnlyList<(byte[] Field, byte[] Value)> pairs)
    {
        var fields = exists ? FieldList.Decode(payload) : new FieldList();
        var changes = new List<FieldChange>(pairs.Count);
        var created = 0;
        var changed = false;
        foreach (var (field, value) in pairs)
        {
            var previous = fields.Set(field, value);
            created += previous is null ? 1 : 0;
            changed |= previous is null || !previous.AsSpan().SequenceEqual(value);
            changes.Add(new FieldChange(field, value, previous));
        }
        if (!exists)
        {
            context.Put(key, HashValue.Encode(fields, 0));
        }
        else if (changed)
        {
            context.Record(new HashSetChange(key.ToArray(), changes));
        }
        return created;
    }

    /// <summary>Sets one field; the common case of <see cref="SetFields"/>.</summary>
    public static void SetField(WriteContext context, ReadOnlySpan<byte> key, bool exists, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> field, ReadOnlySpan<byte> value) =>
        SetFields(context, key, exists, payload, [(field.ToArray(), value.ToArray())]);
}
