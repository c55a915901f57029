using Chorus.Commands.Keyspace;
using Chorus.Commands.Values;
using Chorus.Storage;

namespace Chorus.Commands.Execution;

/// <summary>
/// What a read command sees: the local replica's committed state at <see cref="NowMs"/>, with
/// logically expired keys hidden (replicas never delete keys on their own; the leader does).
/// </summary>
public sealed class ReadContext(IStorageEngine storage, Random? random = null)
{
    private Random? _random = random;

    public IStorageEngine Storage { get; } = storage;

    /// <summary>
    /// Randomness for SRANDMEMBER, HRANDFIELD and RANDOMKEY. The host should pass its own seeded
    /// source (one per connection). Without one, the source is seeded from <see cref="NowMs"/>
    /// at first use: reproducible from the inputs, and different from one millisecond to the next.
    /// </summary>
    public Random Random => _random ??= new Random(unchecked((int)(NowMs ^ (NowMs >> 32))));

    /// <summary>The time used to decide expiry, in Unix milliseconds.</summary>
    public long NowMs { get; set; }

    /// <summary>The encoded value of a live key, or null if it is absent or expired.</summary>
    public byte[]? GetLive(ReadOnlySpan<byte> key)
    {
        var value = GetStored(key);
        return value is not null && StoredValue.Parse(value).IsExpiredAt(NowMs) ? null : value;
    }

    /// <summary>The encoded value as stored, expired or not.</summary>
    public byte[]? GetStored(ReadOnlySpan<byte> key)
    {
        var length = StoredKey.Length(key);
        if (length <= StoredKey.StackLengthMax + StoredKey.PrefixLength)
        {
            Span<byte> stored = stackalloc byte[length];
            StoredKey.Write(stored, key);
            return Storage.Get(StorageColumn.Data, stored);
        }
        return Storage.Get(StorageColumn.Data, StoredKey.Create(key));
    }
}
