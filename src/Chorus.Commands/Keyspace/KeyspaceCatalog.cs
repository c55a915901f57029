using System.Buffers;
using System.Buffers.Binary;
using Chorus.Core.Encoding;
using Chorus.Storage;

namespace Chorus.Commands.Keyspace;

/// <summary>
/// The keyspace's counters and its logical → physical database map, stored under
/// <see cref="Key"/> in the data column:
/// <code>u8 1 | varint next-collection-id | varint next-physical-db | varint next-garbage-seq | varint n | n × u32 physical db</code>
/// Absent in a fresh keyspace (every counter at its start, database i at physical 2^31 + i).
/// </summary>
public sealed class KeyspaceCatalog
{
    private const byte FormatVersion = 1;

    private readonly uint[] _physical;

    private KeyspaceCatalog(ulong nextCollectionId, uint nextPhysicalDb, ulong nextGarbageSeq, uint[] physical)
    {
        NextCollectionId = nextCollectionId;
        NextPhysicalDb = nextPhysicalDb;
        NextGarbageSeq = nextGarbageSeq;
        _physical = physical;
    }

    /// <summary>The catalog's key: physical database 0xFFFF_FFFF, then 'C'.</summary>
    public static byte[] Key { get; } = [0xFF, 0xFF, 0xFF, 0xFF, (byte)'C'];

    public ulong NextCollectionId { get; private set; }

    public uint NextPhysicalDb { get; private set; }

    public ulong NextGarbageSeq { get; private set; }

    /// <summary>Mapped physical databases, in logical order.</summary>
    public IReadOnlyList<uint> Databases => _physical;

    public static KeyspaceCatalog Fresh() =>
        new(1, PhysicalDb.Initial(PhysicalDb.LogicalCount), 1, [.. Enumerable.Range(0, PhysicalDb.LogicalCount).Select(PhysicalDb.Initial)]);

    /// <summary>The catalog as stored (a fresh one when none is).</summary>
    public static KeyspaceCatalog Read(IStorageEngine storage) =>
        storage.Get(StorageColumn.Data, Key) is { } stored ? Decode(stored) : Fresh();

    /// <summary>
    /// Only the physical database of logical <paramref name="db"/>: what every read needs, so it
    /// reads the one entry in place instead of decoding the catalog.
    /// </summary>
    public static uint ReadPhysical(IStorageEngine storage, int db)
    {
        if (storage.Get(StorageColumn.Data, Key) is not { } stored)
        {
            return PhysicalDb.Initial(db);
        }
        var reader = new ByteReader(stored);
        FormatCheck(reader.ReadByte());
        reader.ReadVarUInt();
        reader.ReadVarUInt();
        reader.ReadVarUInt();
        if (reader.ReadLength(PhysicalDb.LogicalCount) != PhysicalDb.LogicalCount)
        {
            throw new CorruptDataException($"the keyspace catalog does not map {PhysicalDb.LogicalCount} databases");
        }
        reader.ReadRaw(db * PhysicalDb.Length);
        return BinaryPrimitives.ReadUInt32BigEndian(reader.ReadRaw(PhysicalDb.Length));
    }

    public uint Physical(int db) => _physical[db];

    /// <summary>The logical database mapped to <paramref name="physical"/>, or -1 when none is (garbage, or never used).</summary>
    public int Logical(uint physical) => Array.IndexOf(_physical, physical);

    public ulong TakeCollectionId() => NextCollectionId++;

    public ulong TakeGarbageSeq() => NextGarbageSeq++;

    /// <summary>Points <paramref name="db"/> at a fresh physical database; returns the one it had.</summary>
    public uint Remap(int db)
    {
        var old = _physical[db];
        _physical[db] = NextPhysicalDb++;
        Core.Invariant.That(NextPhysicalDb < PhysicalDb.ReservedFrom, "physical database ids are not exhausted");
        return old;
    }

    public void Map(int db, uint physical) => _physical[db] = physical;

    public void Swap(int db, int other) => (_physical[db], _physical[other]) = (_physical[other], _physical[db]);

    /// <summary>Counters only move forward, even when a node learns of an id from elsewhere (a migration).</summary>
    public void ObserveCollectionId(ulong id) => NextCollectionId = Math.Max(NextCollectionId, id + 1);

    public KeyspaceCatalog Clone() => new(NextCollectionId, NextPhysicalDb, NextGarbageSeq, [.. _physical]);

    public byte[] Encode()
    {
        var output = new ArrayBufferWriter<byte>(16 + (_physical.Length * 4));
        var writer = new ByteWriter(output);
        writer.WriteByte(FormatVersion);
        writer.WriteVarUInt(NextCollectionId);
        writer.WriteVarUInt(NextPhysicalDb);
        writer.WriteVarUInt(NextGarbageSeq);
        writer.WriteVarUInt((ulong)_physical.Length);
        Span<byte> db = stackalloc byte[4];
        foreach (var physical in _physical)
        {
            BinaryPrimitives.WriteUInt32BigEndian(db, physical);
            writer.WriteRaw(db);
        }
        return output.WrittenSpan.ToArray();
    }

    public static KeyspaceCatalog Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new ByteReader(encoded);
        FormatCheck(reader.ReadByte());
        var nextId = reader.ReadVarUInt();
        var nextDb = checked((uint)reader.ReadVarUInt());
        var nextSeq = reader.ReadVarUInt();
        var count = reader.ReadLength(PhysicalDb.LogicalCount);
        if (count != PhysicalDb.LogicalCount)
        {
            throw new CorruptDataException($"the keyspace catalog maps {count} databases, not {PhysicalDb.LogicalCount}");
        }
        var physical = new uint[count];
        for (var i = 0; i < count; i++)
        {
            physical[i] = BinaryPrimitives.ReadUInt32BigEndian(reader.ReadRaw(4));
        }
        if (!reader.IsEnd)
        {
            throw new CorruptDataException("trailing bytes after the keyspace catalog");
        }
        return new KeyspaceCatalog(nextId, nextDb, nextSeq, physical);
    }

    private static void FormatCheck(byte version)
    {
        if (version != FormatVersion)
        {
            throw new CorruptDataException($"keyspace catalog format {version} is not supported (this build reads {FormatVersion})");
        }
    }
}
