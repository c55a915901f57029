namespace Chorus.Testing;

/// <summary>
/// AFL's havoc, in miniature, for the short seeded fuzz runs in `dotnet test`: flip, set,
/// insert, delete and splice bytes. The interesting bytes are those that mean
/// something to the decoder under test (delimiters, type tags, varint continuation bits).
/// Linked into each test project that replays a fuzz corpus.
/// </summary>
internal static class Havoc
{
    public static byte[] Mutate(byte[] input, byte[] other, ReadOnlySpan<byte> interesting, Random random)
    {
        var bytes = new List<byte>(input);
        var steps = 1 + random.Next(8);
        for (var step = 0; step < steps; step++)
        {
            var at = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0 when bytes.Count > 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when bytes.Count > 0:
                    bytes[at] = interesting[random.Next(interesting.Length)];
                    break;
                case 2:
                    bytes.Insert(at, interesting[random.Next(interesting.Length)]);
                    break;
                case 3 when bytes.Count > 1:
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + random.Next(4)));
                    break;
                case 4:
                    var from = random.Next(other.Length);
                    bytes.InsertRange(at, other.Skip(from).Take(1 + random.Next(32)));
                    break;
                default:
                    if (bytes.Count > 0)
                    {
                        bytes[0] = (byte)random.Next(256);
                    }
                    break;
            }
        }
        return [.. bytes];
    }
}
