using Chorus.Core.Encoding;

namespace Chorus.Core.Tests;

/// <summary>
/// Feeds a decoder corrupt input: it must refuse it with <see cref="CorruptDataException"/> or
/// decode it to a state that encodes back to exactly those bytes (encodings are canonical), and
/// never crash.
/// </summary>
public static class Hostile
{
    /// <param name="valid">Valid encodings to mutate.</param>
    /// <param name="reencode">Decodes and encodes again.</param>
    public static void Refused(IReadOnlyList<byte[]> valid, Func<byte[], byte[]> reencode, int seed) =>
        Seeded.Cases(400, seed, random =>
        {
            var input = random.Next(5) == 0 ? Generate.Bytes(random, 40) : Generate.Mutation(random, valid[random.Next(valid.Count)]);
            try
            {
                Assert.Equal(input, reencode(input));
            }
            catch (CorruptDataException)
            {
                // refused: the expected outcome for most mutations
            }
        });
}
