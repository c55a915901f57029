using System.Buffers.Binary;

namespace Chorus.Commands.Keyspace;

/// <summary>
/// Physical database ids: what storage keys carry instead of a client's database number. The
/// catalog maps logical databases 0–15 to them, so SWAPDB swaps two map entries and FLUSHDB points
/// a database at a fresh id (docs/storage-layout.md, "Databases").
/// </summary>
public static class PhysicalDb
{
    public const int Length = sizeof(uint);

    /// <summary>Databases clients can SELECT: 0 to <see cref="LogicalCount"/> − 1.</summary>
    public const int LogicalCount = 16;

    /// <summary>
    /// The first physical id. Every format-2 record key therefore starts with a byte ≥ 0x80 and
    /// every format-1 one (a 63-bit hash) with a byte &lt; 0x80: the migration tells them apart.
    /// </summary>
    public const uint First = 0x8000_0000;

    /// <summary>Ids from here up are not databases.</summary>
    public const uint ReservedFrom = 0xFFFF_FF00;

    /// <summary>The keyspace's own bookkeeping: the catalog and the garbage index.</summary>
    public const uint Bookkeeping = 0xFFFF_FFFF;

    /// <summary>
    /// Redis Functions' libraries (FUNCTION LOAD): replicated records that belong to no logical
    /// database, so FLUSHALL, SWAPDB and SELECT never reach them (docs/storage-layout.md).
    /// </summary>
    public const uint Functions = 0xFFFF_FFFE;

    /// <summary>The physical id a fresh keyspace uses for logical database <paramref name="db"/>.</summary>
    public static uint Initial(int db) => First + (uint)db;

    public static bool IsValidLogical(long db) => db is >= 0 and < LogicalCount;

    /// <summary>The 4-byte prefix of every key of <paramref name="db"/> (data and expiry columns).</summary>
    public static byte[] Start(uint db)
    {
        var start = new byte[Length];
        BinaryPrimitives.WriteUInt32BigEndian(start, db);
        return start;
    }

    /// <summary>Just past every key of <paramref name="db"/>.</summary>
    public static byte[] End(uint db) => Start(db + 1);
}
