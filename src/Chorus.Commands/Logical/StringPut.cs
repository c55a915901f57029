using Chorus.Commands.Keyspace;
using Chorus.Commands.Values;
using Chorus.Core.Encoding;

namespace Chorus.Commands.Logical;

/// <summary>
/// The commonest logical payload — one <see cref="PutChange"/> over a key that held a string (a
/// SET of an existing key) — read and applied straight from the payload's bytes. Decoding it into
/// a change list costs a list, its array, the change and three byte arrays per entry; a follower
/// catching up applies a million of them in seconds, and only the new value has to become an
/// array of its own (the staged keyspace keeps it). Every other payload takes the general path,
/// so this is equal to <see cref="RowChangeApplier.Apply"/> of the decoded change by construction:
/// the same key, record and before-image reach the same keyspace call.
/// </summary>
internal readonly ref struct StringPut
{
    private StringPut(int db, ReadOnlySpan<byte> key, ReadOnlySpan<byte> after, ReadOnlySpan<byte> before)
    {
        Db = db;
        Key = key;
        After = after;
        Before = before;
    }

    public int Db { get; }

    public ReadOnlySpan<byte> Key { get; }

    public ReadOnlySpan<byte> After { get; }

    /// <summary>The string record the key held: its image, exact on a replica (a prefix of the leader's history).</summary>
    public ReadOnlySpan<byte> Before { get; }

    /// <summary>
    /// Reads <paramref name="payload"/> as one put whose before-image is a string; false for
    /// anything else (several changes, another op, no before-image, a collection before, format 1),
    /// which the caller decodes as usual. Malformed bytes are left to that decoder to report.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> payload, out StringPut put)
    {
        put = default;
        // u8 version | varint count (1) | u8 op (Put = 1) | u8 db | len+key | len+after | u8 1 | len+before
        if (payload.Length < 4 || payload[0] != LogicalPayload.FormatVersion || payload[1] != 1 || payload[2] != 1)
        {
            return false;
        }
        var reader = new ByteReader(payload[3..]);
        try
        {
            var db = reader.ReadByte();
            var key = reader.ReadLengthPrefixed();
            var after = reader.ReadLengthPrefixed();
            if (db >= PhysicalDb.LogicalCount || reader.ReadByte() != 1)
            {
                return false;
            }
            var before = reader.ReadLengthPrefixed();
            if (!reader.IsEnd || KeyRecord.ParseImage(before).IsCollection)
            {
                return false;
            }
            put = new StringPut(db, key, after, before);
            return true;
        }
        catch (CorruptDataException)
        {
            return false; // the general decoder reports it
        }
    }

    /// <summary>What <see cref="RowChangeApplier.Apply"/> does with the decoded <see cref="PutChange"/>.</summary>
    public void ApplyTo(StagedKeyspace keyspace) =>
        keyspace.PutOver(keyspace.Physical(Db), Key, After.ToArray(), Before);
}
