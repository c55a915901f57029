using Chorus.Core.Encoding;

namespace Chorus.Core.Tests;

/// <summary>Feeds a decoder corrupt input: it must decode or refuse with <see cref="CorruptDataException"/>, never crash.</summary>
public static class Hostile
{
    /// <param name="valid">Valid encodings to mutate.</param>
    /// <param name="decodeAndReencode">Decodes, re-encodes and decodes again (a decoded record must be usable).</param>
    public static void Refused(IReadOnlyList<byte[]> valid, Action<byte[]> decodeAndReencode, int seed) =>
        Seeded.Cases(400, seed, random =>
        {
            var input = random.Next(5) == 0 ? Generate.Bytes(random, 40) : Generate.Mutation(random, valid[random.Next(valid.Count)]);
            try
            {
                decodeAndReencode(input);
            }
            catch (CorruptDataException)
            {
                // refused: the expected outcome for most mutations
            }
        });
}
