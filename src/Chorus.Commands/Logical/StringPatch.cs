using Chorus.Commands.Keyspace;
using Chorus.Commands.Values;
using Chorus.Core;

namespace Chorus.Commands.Logical;

/// <summary>Applies and undoes <see cref="PatchChange"/>: bytes written into a string at an offset.</summary>
internal static class StringPatch
{
    public static void Apply(StagedKeyspace keyspace, PatchChange patch)
    {
        var physical = keyspace.Physical(patch.Db);
        var current = keyspace.Get(physical, patch.Key);
        Invariant.That((current is null) == patch.Created, "a patch creates a string exactly when there was none");
        var record = current is null ? default : KeyRecord.Parse(current);
        ReadOnlySpan<byte> old = current is null ? [] : record.Payload;
        var patched = new byte[Math.Max(old.Length, patch.Offset + patch.Bytes.Length)];
        old.CopyTo(patched);
        patch.Bytes.CopyTo(patched.AsSpan((int)patch.Offset));
        var header = current is null ? default : current.AsSpan(0, record.HeaderLength);
        keyspace.Put(physical, patch.Key, WithPayload(header, patched), current);
    }

    public static void Undo(StagedKeyspace keyspace, PatchChange patch)
    {
        var physical = keyspace.Physical(patch.Db);
        var current = RowChangeApplier.Existing(keyspace, physical, patch.Key);
        if (patch.Created)
        {
            keyspace.Delete(physical, patch.Key, current);
            return;
        }
        var record = KeyRecord.Parse(current);
        var restored = record.Payload[..(int)patch.LengthBefore].ToArray();
        if (patch.Replaced.Length > 0)
        {
            patch.Replaced.CopyTo(restored.AsSpan((int)patch.Offset));
        }
        keyspace.Put(physical, patch.Key, WithPayload(current.AsSpan(0, record.HeaderLength), restored), current);
    }

    /// <summary>A string record with <paramref name="header"/> (a new string's, when empty) and these bytes.</summary>
    private static byte[] WithPayload(ReadOnlySpan<byte> header, byte[] payload)
    {
        if (header.IsEmpty)
        {
            return Records.String(payload, 0);
        }
        var record = new byte[header.Length + payload.Length];
        header.CopyTo(record);
        payload.CopyTo(record.AsSpan(header.Length));
        return record;
    }
}
