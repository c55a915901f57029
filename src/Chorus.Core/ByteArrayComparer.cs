namespace Chorus.Core;

/// <summary>
/// Orders and compares byte strings as RocksDB's default bytewise comparator does. Supports
/// span lookups (<c>GetAlternateLookup&lt;ReadOnlySpan&lt;byte&gt;&gt;</c>) so probing a dictionary
/// never copies the key. Hash codes are per-process randomized: never persist them.
/// </summary>
public sealed class ByteArrayComparer :
    IComparer<byte[]>,
    IEqualityComparer<byte[]>,
    IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
{
    public static readonly ByteArrayComparer Instance = new();

    public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);

    public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

    public int GetHashCode(byte[] obj) => GetHashCode((ReadOnlySpan<byte>)obj);

    public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

    public int GetHashCode(ReadOnlySpan<byte> alternate)
    {
        var hash = new HashCode();
        hash.AddBytes(alternate);
        return hash.ToHashCode();
    }

    public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
}
