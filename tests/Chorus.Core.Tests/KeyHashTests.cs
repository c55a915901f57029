using System.IO.Hashing;

namespace Chorus.Core.Tests;

public sealed class KeyHashTests
{
    /// The one key hash: the data column's order, the ring's placement and the Merkle ranges agree.
    [Fact]
    public void Key_hash_is_xxhash64_shifted_into_63_bits() =>
        Seeded.Cases(100, 17_000, random =>
        {
            var key = Generate.Bytes(random, 64);
            Assert.Equal(XxHash64.HashToUInt64(key) >> 1, KeyHash.Of(key));
            Assert.True(KeyHash.Of(key) < KeyHash.SpaceEnd);
        });
}
