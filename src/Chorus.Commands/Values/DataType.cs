namespace Chorus.Commands.Values;

/// <summary>The type of a stored value (what TYPE reports).</summary>
public enum DataType : byte
{
    String = 1,
    Hash = 2,
    Set = 3,
}

public static class DataTypes
{
    public static string Name(DataType type) => type switch
    {
        DataType.String => "string",
        DataType.Hash => "hash",
        DataType.Set => "set",
        _ => "none",
    };
}
