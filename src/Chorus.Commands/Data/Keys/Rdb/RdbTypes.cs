namespace Chorus.Commands.Data.Keys.Rdb;

/// <summary>Redis's RDB object types (rdb.h, Redis 7.0: RDB version 10) that DUMP payloads start with.</summary>
internal static class RdbTypes
{
    public const byte String = 0;
    public const byte List = 1;
    public const byte Set = 2;
    public const byte ZSet = 3;
    public const byte Hash = 4;
    public const byte ZSet2 = 5;
    public const byte HashZipmap = 9;
    public const byte ListZiplist = 10;
    public const byte SetIntset = 11;
    public const byte ZSetZiplist = 12;
    public const byte HashZiplist = 13;
    public const byte ListQuicklist = 14;
    public const byte StreamListpacks = 15;
    public const byte HashListpack = 16;
    public const byte ZSetListpack = 17;
    public const byte ListQuicklist2 = 18;
    public const byte StreamListpacks2 = 19;

    /// <summary>Redis 7.2's stream type (RDB 11): consumers also carry their active time. Read, never written.</summary>
    public const byte StreamListpacks3 = 21;

    /// <summary>Redis 7.0's RDB version: a payload of a later version is refused, as Redis 7.0 does.</summary>
    public const ushort Version = 10;

    /// <summary>Quicklist 2 node containers (quicklist.h).</summary>
    public const int ContainerPlain = 1;
    public const int ContainerPacked = 2;
}
