using Chorus.Core;

namespace Chorus.Node;

/// <summary>Compares (database, key) pairs by value: keys are byte arrays.</summary>
internal sealed class DbKeyComparer : IEqualityComparer<(int Db, byte[] Key)>
{
    public static readonly DbKeyComparer Instance = new();

    public bool Equals((int Db, byte[] Key) x, (int Db, byte[] Key) y) => x.Db == y.Db && ByteArrayComparer.Instance.Equals(x.Key, y.Key);

    public int GetHashCode((int Db, byte[] Key) obj) => HashCode.Combine(obj.Db, ByteArrayComparer.Instance.GetHashCode(obj.Key));
}
