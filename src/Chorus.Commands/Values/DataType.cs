namespace Chorus.Commands.Values;

/// <summary>The type of a stored value (what TYPE reports). The byte is part of the storage format.</summary>
public enum DataType : byte
{
    String = 1,
    Hash = 2,
    Set = 3,
    SortedSet = 4,
    List = 5,
    Stream = 6,
}

public static class DataTypes
{
    public static bool IsKnown(byte type) => type is >= (byte)DataType.String and <= (byte)DataType.Stream;

    /// <summary>Every type except strings keeps its elements in the elements column.</summary>
    public static bool IsCollection(DataType type) => type != DataType.String;

    public static string Name(DataType type) => type switch
    {
        DataType.String => "string",
        DataType.Hash => "hash",
        DataType.Set => "set",
        DataType.SortedSet => "zset",
        DataType.List => "list",
        DataType.Stream => "stream",
        _ => "none",
    };
}
